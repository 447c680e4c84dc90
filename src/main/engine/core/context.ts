import { EventBus } from './events';
import type { Workspace } from '../workspace/workspace';

export interface Disposable {
  dispose(): void | Promise<void>;
}

/**
 * Everything a handler may use. Domain services (job runner, model runtime, …) are created lazily
 * through `service()` so that a CLI command pays only for what it touches.
 */
export class EngineContext {
  readonly events = new EventBus();
  private readonly services = new Map<string, unknown>();

  /**
   * @param jobScope which jobs this process's runner runs: 'all' (a host: app, server) or 'own' (a CLI
   * command: only the jobs it starts or waits for here, so that a short command never resumes others' jobs).
   */
  constructor(
    readonly workspace: Workspace,
    readonly jobScope: 'all' | 'own' = 'all',
  ) {}

  get db() {
    return this.workspace.db;
  }

  service<T>(key: string, create: (ctx: EngineContext) => T): T {
    if (!this.services.has(key)) this.services.set(key, create(this));
    return this.services.get(key) as T;
  }

  /** Disposes services in reverse creation order, then closes the workspace. */
  async close(): Promise<void> {
    const all = [...this.services.values()].reverse();
    this.services.clear();
    for (const service of all) {
      const disposable = service as Partial<Disposable>;
      if (typeof disposable?.dispose === 'function') await disposable.dispose();
    }
    this.workspace.close();
  }
}
