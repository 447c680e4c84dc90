import { contextBridge, ipcRenderer } from 'electron';

/**
 * The only thing the renderer gets: a transport for the contract. No logic here: the engine validates
 * every call in the main process.
 */
const bridge = {
  call: (method: string, params: unknown): Promise<unknown> => ipcRenderer.invoke('toolsmith:call', method, params),
  subscribe(listener: (event: string, payload: unknown) => void): () => void {
    const handler = (_e: unknown, event: string, payload: unknown) => listener(event, payload);
    ipcRenderer.on('toolsmith:event', handler);
    return () => ipcRenderer.removeListener('toolsmith:event', handler);
  },
};

contextBridge.exposeInMainWorld('toolsmith', bridge);
