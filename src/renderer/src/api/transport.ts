import type { Transport } from '../../../shared/client';
import { MAX_MESSAGE_BYTES, type CallOutcome } from '../../../shared/rpc';

interface PreloadBridge {
  call(method: string, params: unknown): Promise<unknown>;
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    toolsmith?: PreloadBridge;
  }
}

/** Electron: the preload's bridge over IPC. */
function ipcTransport(bridge: PreloadBridge): Transport {
  return {
    call: async (method, params) => (await bridge.call(method, params)) as CallOutcome,
    subscribe: (listener) => bridge.subscribe(listener),
  };
}

type Pending = { resolve: (outcome: CallOutcome) => void };

/**
 * Browser mode: one WebSocket to the local server, reconnecting with backoff. Calls made while it is
 * (re)connecting wait for it; the session token travels as a cookie set when the page was opened.
 */
function webSocketTransport(): Transport {
  const listeners = new Set<(event: string, payload: unknown) => void>();
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  let socket: WebSocket | undefined;
  let nextId = 1;
  let retry = 250;

  const token = new URLSearchParams(location.search).get('token');
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;

  const connect = () => {
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retry = 250;
      for (const message of queue.splice(0)) ws.send(message);
      for (const listener of listeners) listener('transport.connected', {});
    };
    ws.onmessage = (message) => {
      const data = JSON.parse(String(message.data)) as {
        id?: number;
        result?: unknown;
        error?: CallOutcome & { ok: false } extends { error: infer E } ? E : never;
        event?: string;
        payload?: unknown;
      };
      if (data.event) {
        for (const listener of listeners) listener(data.event, data.payload);
        return;
      }
      if (typeof data.id !== 'number') return;
      const waiting = pending.get(data.id);
      if (!waiting) return;
      pending.delete(data.id);
      waiting.resolve(data.error ? { ok: false, error: data.error } : { ok: true, result: data.result });
    };
    ws.onclose = () => {
      for (const listener of listeners) listener('transport.disconnected', {});
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 5000);
    };
  };
  connect();

  return {
    call(method, params) {
      const id = nextId++;
      const message = JSON.stringify({ id, method, params });
      // The server closes a connection whose message is over its limit; say so instead of waiting forever.
      const bytes = new TextEncoder().encode(message).length;
      if (bytes > MAX_MESSAGE_BYTES)
        return Promise.resolve({
          ok: false,
          error: {
            code: 'invalid_input',
            message: `This request is ${(bytes / 1048576).toFixed(1)} MiB, over the ${MAX_MESSAGE_BYTES / 1048576} MiB the server takes in one message.`,
          },
        });
      return new Promise<CallOutcome>((resolve) => {
        pending.set(id, { resolve });
        if (socket?.readyState === WebSocket.OPEN) socket.send(message);
        else queue.push(message);
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function createTransport(): Transport {
  return window.toolsmith ? ipcTransport(window.toolsmith) : webSocketTransport();
}

export const isElectron = (): boolean => Boolean(window.toolsmith);
