// @vitest-environment jsdom
/**
 * useAction against a real engine: a button's API call is busy while it runs, says its success, and shows
 * the engine's own error (as a notification, or kept for an Alert in place).
 */
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { useRef } from 'react';
import { describe, expect, it } from 'vitest';
import { useClient } from '../../src/renderer/src/api/client';
import { useAction, type ActionOptions } from '../../src/renderer/src/ui/useAction';
import { renderWithEngine } from './render-with-engine';

const tool = (name: string) => ({
  type: 'function',
  function: { name, description: `Does ${name}.`, parameters: { type: 'object', properties: {} } },
});

/** Imports one tool, once `gate` lets it go (so the busy state can be seen), or asks for a tool that is not there. */
function ImportButton({ gate, missing = false, options }: { gate?: Promise<void>; missing?: boolean; options: ActionOptions<unknown> }) {
  const client = useClient();
  const action = useAction(async (name: string) => {
    await gate;
    if (missing) return client.call('tools.get', { id: 999_999 });
    return client.call('tools.import', { tools: [tool(name)] });
  }, options);
  return (
    <>
      <button onClick={() => void action.run('get_weather')}>Import</button>
      <p data-testid="busy">{action.busy ? 'busy' : 'idle'}</p>
      {action.error && <p data-testid="inline-error">{action.error}</p>}
    </>
  );
}

describe('useAction', () => {
  it('is busy while the call runs, then says its success and the change is in the workspace', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const { client } = renderWithEngine(<ImportButton gate={gate} options={{ success: 'Tool imported.' }} />);
    fireEvent.click(screen.getByText('Import'));
    expect(screen.getByTestId('busy').textContent).toBe('busy');
    await act(async () => open());
    expect(await screen.findByText('Tool imported.')).toBeTruthy();
    expect(screen.getByTestId('busy').textContent).toBe('idle');
    const tools = await client.call('tools.list', { pool: 'default' });
    expect(tools.items.map((t) => t.name)).toEqual(['get_weather']);
  });

  it('shows the engine’s error in a notification with the action’s title', async () => {
    renderWithEngine(<ImportButton missing options={{ errorTitle: 'Could not read the tool' }} />);
    fireEvent.click(screen.getByText('Import'));
    expect(await screen.findByText('Could not read the tool')).toBeTruthy();
    expect(screen.getByText(/999999/)).toBeTruthy();
    expect(screen.queryByTestId('inline-error')).toBeNull();
    expect(screen.getByTestId('busy').textContent).toBe('idle');
  });

  it('keeps the error for the view in inline mode, and clears it when the action runs again', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    function Twice() {
      const client = useClient();
      const calls = useRef(0);
      const action = useAction(
        async () => {
          calls.current++;
          if (calls.current === 1) return client.call('tools.get', { id: 999_999 });
          await gate;
          return client.call('tools.import', { tools: [tool('add')] });
        },
        { inline: true },
      );
      return (
        <>
          <button onClick={() => void action.run()}>Go</button>
          {action.error && <p data-testid="inline-error">{action.error}</p>}
        </>
      );
    }
    renderWithEngine(<Twice />);
    fireEvent.click(screen.getByText('Go'));
    expect((await screen.findByTestId('inline-error')).textContent).toMatch(/999999/);
    fireEvent.click(screen.getByText('Go'));
    await waitFor(() => expect(screen.queryByTestId('inline-error')).toBeNull());
    await act(async () => open());
    expect(await screen.findByText('Go')).toBeTruthy();
    expect(screen.queryByTestId('inline-error')).toBeNull();
  });

  it('neither shows nor keeps an error the action ignores', async () => {
    renderWithEngine(<ImportButton missing options={{ inline: true, ignore: (e) => /999999/.test(e.message) }} />);
    fireEvent.click(screen.getByText('Import'));
    await waitFor(() => expect(screen.getByTestId('busy').textContent).toBe('idle'));
    expect(screen.queryByTestId('inline-error')).toBeNull();
    expect(screen.queryByText(/999999/)).toBeNull();
  });
});
