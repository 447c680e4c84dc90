// @vitest-environment jsdom
/**
 * The playground's request building and its chat hook, against a real engine in-process: what is sent is what
 * the form shows, and a failed request leaves the conversation and the message as they were.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { createClient } from '../../src/shared/client';
import { ClientProvider } from '../../src/renderer/src/api/client';
import {
  backendReady,
  DEFAULT_CHAT_SETTINGS,
  sendInputOf,
  turnsAfter,
  type ChatSettings,
  type Exchange,
} from '../../src/renderer/src/features/playground/playground-request';
import { usePlaygroundChat } from '../../src/renderer/src/features/playground/usePlaygroundChat';
import { tempDir } from '../helpers/tmp';

const engines: Engine[] = [];
afterEach(async () => {
  cleanup();
  for (const engine of engines.splice(0)) await engine.close();
});

describe('the playground request', () => {
  it('sends a remote server trimmed, without an empty key or system prompt', () => {
    const settings: ChatSettings = {
      ...DEFAULT_CHAT_SETTINGS,
      backendKind: 'remote',
      remote: { baseUrl: ' http://127.0.0.1:8080/v1 ', model: ' m ', apiKey: '' },
      toolIds: ['3', '5'],
      system: '  ',
      constrain: true,
      threads: '',
    };
    expect(backendReady(settings, null)).toBe(true);
    expect(sendInputOf(settings, null, [{ role: 'user', content: 'hi' }], 'pg-1')).toEqual({
      requestId: 'pg-1',
      backend: { kind: 'remote', baseUrl: 'http://127.0.0.1:8080/v1', model: 'm' },
      toolIds: [3, 5],
      messages: [{ role: 'user', content: 'hi' }],
      constrain: 'calls',
      sampling: { temperature: 0, maxTokens: 256 },
      maxRefinements: 1,
    });
  });

  it('is not ready without a local model or a remote URL and model name', () => {
    expect(backendReady(DEFAULT_CHAT_SETTINGS, null)).toBe(false);
    expect(backendReady(DEFAULT_CHAT_SETTINGS, '1')).toBe(true);
    expect(backendReady({ ...DEFAULT_CHAT_SETTINGS, backendKind: 'remote', remote: { baseUrl: 'x', model: ' ', apiKey: '' } }, '1')).toBe(
      false,
    );
  });

  it('goes on from the answer and the tools that returned, not the ones that failed', () => {
    const asked = [{ role: 'user' as const, content: 'weather?' }];
    const exchange = {
      answer: '[get_weather(city="Paris")]',
      toolResults: [
        { index: 0, name: 'get_weather', ok: true, result: { temp: 21 } },
        { index: 1, name: 'broken', ok: false, error: 'threw' },
      ],
    } as unknown as Exchange;
    expect(turnsAfter(asked, exchange)).toEqual([
      ...asked,
      { role: 'assistant', content: '[get_weather(city="Paris")]' },
      { role: 'tool', name: 'get_weather', content: '{"temp":21}' },
    ]);
    expect(turnsAfter(asked, { answer: ' ', toolResults: [] } as unknown as Exchange)).toEqual(asked);
  });
});

function Chat({ settings, model }: { settings: ChatSettings; model: string | null }) {
  const chat = usePlaygroundChat(settings, model);
  return (
    <div>
      <textarea data-testid="message" value={chat.message} onChange={(e) => chat.setMessage(e.currentTarget.value)} />
      <button onClick={() => void chat.send()}>send</button>
      <p data-testid="turns">{chat.turns.length}</p>
      {chat.error && <p role="alert">{chat.error}</p>}
    </div>
  );
}

describe('usePlaygroundChat', () => {
  it('shows the engine’s error for a model that does not exist and keeps the message to send again', async () => {
    const engine = openEngine(tempDir('toolsmith-playground-'));
    engines.push(engine);
    render(
      <ClientProvider client={createClient(engine)}>
        <Chat settings={DEFAULT_CHAT_SETTINGS} model="424242" />
      </ClientProvider>,
    );
    fireEvent.change(screen.getByTestId('message'), { target: { value: 'What is the weather in Paris?' } });
    await act(async () => {
      fireEvent.click(screen.getByText('send'));
    });
    expect((await screen.findByRole('alert')).textContent).toMatch(/424242/);
    expect(screen.getByTestId('turns').textContent).toBe('0');
    expect((screen.getByTestId('message') as HTMLTextAreaElement).value).toBe('What is the weather in Paris?');
  });
});
