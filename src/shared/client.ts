import { ApiError } from './contract/errors';
import type { EventName, EventPayload, Input, MethodName, Output } from './contract';
import type { CallOutcome } from './rpc';

/** How a client reaches the engine: IPC in Electron, WebSocket in a browser, in-process in tests. */
export interface Transport {
  call(method: string, params: unknown): Promise<CallOutcome>;
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
}

export interface ToolsmithClient {
  call<M extends MethodName>(method: M, ...params: {} extends Input<M> ? [Input<M>?] : [Input<M>]): Promise<Output<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  onAny(listener: (event: string, payload: unknown) => void): () => void;
}

/** The one typed client, over any transport. */
export function createClient(transport: Transport): ToolsmithClient {
  return {
    async call(method, ...params) {
      const outcome = await transport.call(method, params[0] ?? {});
      if (!outcome.ok) throw new ApiError(outcome.error.code, outcome.error.message, outcome.error.details);
      return outcome.result as never;
    },
    on(event, listener) {
      return transport.subscribe((name, payload) => {
        if (name === event) listener(payload as never);
      });
    },
    onAny(listener) {
      return transport.subscribe(listener);
    },
  };
}
