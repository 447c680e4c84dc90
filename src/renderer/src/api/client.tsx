import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { createClient, type ToolsmithClient } from '../../../shared/client';
import type { EventName, EventPayload, Input, MethodName, Output } from '../../../shared/contract';
import { createTransport } from './transport';

const ClientContext = createContext<ToolsmithClient | null>(null);

export function ClientProvider({ children, client }: { children: ReactNode; client?: ToolsmithClient }) {
  const [value] = useState(() => client ?? createClient(createTransport()));
  return <ClientContext.Provider value={value}>{children}</ClientContext.Provider>;
}

/** The one typed client (IPC in Electron, WebSocket in a browser). */
export function useClient(): ToolsmithClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside ClientProvider');
  return client;
}

export interface QueryState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Calls one API method and keeps its result; `deps` re-run it, `refreshOn` events reload it. */
export function useApi<M extends MethodName>(
  method: M,
  params: Input<M>,
  options: { deps?: unknown[]; refreshOn?: EventName[]; skip?: boolean } = {},
): QueryState<Output<M>> {
  const client = useClient();
  const [state, setState] = useState<{ data?: Output<M>; error?: Error; loading: boolean }>({ loading: !options.skip });
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(params);
  useEffect(() => {
    if (options.skip) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    (client.call as (m: string, p: unknown) => Promise<Output<M>>)(method, params)
      .then((data) => live && setState({ data, loading: false }))
      .catch((error: Error) => live && setState({ error, loading: false }));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, method, key, tick, options.skip, ...(options.deps ?? [])]);
  useEffect(() => {
    const offs = (options.refreshOn ?? []).map((event) => client.on(event, () => setTick((t) => t + 1)));
    return () => offs.forEach((off) => off());
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, (options.refreshOn ?? []).join(',')]);
  return { data: state.data, error: state.error, loading: state.loading, reload: () => setTick((t) => t + 1) };
}

/** Subscribes to one contract event for the component's lifetime. */
export function useEvent<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): void {
  const client = useClient();
  // The latest listener, without re-subscribing on every render.
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => client.on(event, (payload) => latest.current(payload)), [client, event]);
}
