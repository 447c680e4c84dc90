// @vitest-environment jsdom
/**
 * The renderer's data hooks against a real engine in-process (a real SQLite workspace), rendered by React in
 * jsdom: what a view shows follows the API and its events.
 */
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { createClient } from '../../src/shared/client';
import { ClientProvider, useApi, useEvent } from '../../src/renderer/src/api/client';
import { tempDir } from '../helpers/tmp';

const engines: Engine[] = [];
afterEach(async () => {
  cleanup();
  for (const engine of engines.splice(0)) await engine.close();
});

function engineClient() {
  const engine = openEngine(tempDir('toolsmith-hooks-'));
  engines.push(engine);
  return { engine, client: createClient(engine) };
}

const tool = (name: string) => ({
  type: 'function',
  function: { name, description: `Does ${name}.`, parameters: { type: 'object', properties: {} } },
});

function ToolNames() {
  // The user's pool: a workspace also holds the built-in one from its first opening.
  const tools = useApi('tools.list', { pool: 'default' }, { refreshOn: ['tools.changed'] });
  if (tools.loading && !tools.data) return <p>loading</p>;
  if (tools.error) return <p role="alert">{tools.error.message}</p>;
  return <p data-testid="names">{tools.data!.items.map((t) => t.name).join(',') || 'none'}</p>;
}

describe('useApi', () => {
  it('shows a method’s result and reloads it when the event it listens to arrives', async () => {
    const { client } = engineClient();
    render(
      <ClientProvider client={client}>
        <ToolNames />
      </ClientProvider>,
    );
    expect(await screen.findByTestId('names')).toHaveProperty('textContent', 'none');
    await act(async () => {
      await client.call('tools.import', { tools: [tool('get_weather'), tool('add')] });
    });
    await waitFor(() => expect(screen.getByTestId('names').textContent?.split(',').sort()).toEqual(['add', 'get_weather']));
  });

  it('shows the engine’s error for a bad call instead of data', async () => {
    const { client } = engineClient();
    function Missing() {
      const got = useApi('tools.get', { id: 999_999 });
      return got.error ? <p role="alert">{got.error.message}</p> : <p>{got.loading ? 'loading' : 'found'}</p>;
    }
    render(
      <ClientProvider client={client}>
        <Missing />
      </ClientProvider>,
    );
    expect((await screen.findByRole('alert')).textContent).toMatch(/999999/);
  });
});

describe('useEvent', () => {
  it('hands each event to the latest listener and stops after unmount', async () => {
    const { client, engine } = engineClient();
    const seen: string[] = [];
    function Listener({ tag }: { tag: string }) {
      useEvent('tools.changed', (p) => seen.push(`${tag}:${p.pool}`));
      return null;
    }
    const view = render(
      <ClientProvider client={client}>
        <Listener tag="a" />
      </ClientProvider>,
    );
    engine.ctx.events.emit('tools.changed', { pool: 'one' });
    view.rerender(
      <ClientProvider client={client}>
        <Listener tag="b" />
      </ClientProvider>,
    );
    engine.ctx.events.emit('tools.changed', { pool: 'two' });
    view.unmount();
    engine.ctx.events.emit('tools.changed', { pool: 'three' });
    expect(seen).toEqual(['a:one', 'b:two']);
  });
});
