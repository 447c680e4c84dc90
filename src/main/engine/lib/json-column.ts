/**
 * Reads a JSON text column. The engine wrote it, so it is trusted to parse. SQL NULL reads as `null`, or
 * as `options.nullAs` where the caller tells an absent value apart (a step with no checkpoint yet).
 */
export function parseJsonColumn<T = unknown>(text: string | null, options?: { nullAs: T | null | undefined }): T {
  if (text !== null) return JSON.parse(text) as T;
  return (options ? options.nullAs : null) as T;
}
