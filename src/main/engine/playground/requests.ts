import { ApiError } from '../core/engine-error';
import type { EngineContext } from '../core/context';

/**
 * The playground exchanges running now, by the request id their caller chose, so that `playground.cancel`
 * can stop one while `playground.send` still waits for its answer. Disposed with the engine (every one stops).
 */
export class PlaygroundRequests {
  private readonly running = new Map<string, AbortController>();

  start(requestId: string): AbortSignal {
    if (this.running.has(requestId))
      throw new ApiError('conflict', `A playground request with id "${requestId}" is already running.`, { field: 'requestId' });
    const controller = new AbortController();
    this.running.set(requestId, controller);
    return controller.signal;
  }

  finish(requestId: string): void {
    this.running.delete(requestId);
  }

  cancel(requestId: string): boolean {
    const controller = this.running.get(requestId);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  dispose(): void {
    for (const controller of this.running.values()) controller.abort();
    this.running.clear();
  }
}

export function playgroundRequests(ctx: EngineContext): PlaygroundRequests {
  return ctx.service('playground', () => new PlaygroundRequests());
}
