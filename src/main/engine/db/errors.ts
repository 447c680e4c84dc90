/** A workspace cannot be opened or used as asked; the message says what and where. */
export class WorkspaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkspaceError';
  }
}
