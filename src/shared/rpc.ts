import { z } from 'zod';
import { ApiErrorShape } from './contract/errors';

/** The largest request the browser-mode server takes: one HTTP body or one WebSocket message (32 MiB). */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

/** Wire envelopes shared by the WebSocket bridge and the IPC bridge. */
export const RpcRequest = z.object({
  id: z.union([z.string(), z.number()]),
  method: z.string(),
  params: z.unknown().optional(),
});
export type RpcRequest = z.infer<typeof RpcRequest>;

export const RpcResponse = z.union([
  z.object({ id: z.union([z.string(), z.number()]).nullable(), result: z.unknown() }),
  z.object({ id: z.union([z.string(), z.number()]).nullable(), error: ApiErrorShape }),
]);
export type RpcResponse = z.infer<typeof RpcResponse>;

export const RpcEvent = z.object({ event: z.string(), payload: z.unknown() });
export type RpcEvent = z.infer<typeof RpcEvent>;

/** The outcome of one call, as a value (no exceptions across a bridge). */
export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: ApiErrorShape };
