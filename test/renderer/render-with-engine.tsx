/**
 * What the renderer tests share: a real engine in-process (a real SQLite workspace), its client, and a render
 * inside the providers the app has (Mantine with its notifications), so a test reads what a person would see.
 */
import { MantineProvider } from '@mantine/core';
import { Notifications, notifications } from '@mantine/notifications';
import { cleanup, render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach } from 'vitest';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { createClient } from '../../src/shared/client';
import { ClientProvider } from '../../src/renderer/src/api/client';
import { tempDir } from '../helpers/tmp';

// jsdom has no matchMedia; Mantine asks it for the colour scheme and reduced motion.
if (typeof window !== 'undefined' && !window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      addListener: () => undefined,
      removeListener: () => undefined,
      dispatchEvent: () => false,
    }) as MediaQueryList;
}

const engines: Engine[] = [];
afterEach(async () => {
  // The notifications' store outlives a render: each test starts with none.
  notifications.clean();
  cleanup();
  for (const engine of engines.splice(0)) await engine.close();
});

export function engineClient(prefix: string) {
  const engine = openEngine(tempDir(prefix));
  engines.push(engine);
  return { engine, client: createClient(engine) };
}

export function renderWithEngine(ui: ReactNode, prefix = 'toolsmith-renderer-') {
  const { engine, client } = engineClient(prefix);
  const view = render(
    <MantineProvider>
      <Notifications />
      <ClientProvider client={client}>{ui}</ClientProvider>
    </MantineProvider>,
  );
  return { engine, client, view };
}
