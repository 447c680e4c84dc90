import { useRef, useState } from 'react';
import type { Output } from '../../../../shared/contract';
import type { PlaygroundTurn } from '../../../../shared/contract/playground';
import { useClient, useEvent } from '../../api/client';
import { backendReady, newRequestId, sendInputOf, turnsAfter, type ChatSettings, type Exchange } from './playground-request';

/**
 * One playground conversation: the turns, the message being written, the running request (its stage and
 * streamed text, cancellable), the last exchange and saving it as a sample.
 */
export function usePlaygroundChat(settings: ChatSettings, model: string | null) {
  const client = useClient();
  const [turns, setTurns] = useState<PlaygroundTurn[]>([]);
  const [message, setMessage] = useState('');
  const [running, setRunning] = useState<string | null>(null);
  const [stage, setStage] = useState<string | null>(null);
  const [streamed, setStreamed] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [exchange, setExchange] = useState<Exchange | null>(null);
  const [asked, setAsked] = useState<PlaygroundTurn[]>([]);
  const [toSave, setToSave] = useState('');
  const [saved, setSaved] = useState<Output<'playground.save'> | null>(null);
  const [saving, setSaving] = useState(false);
  const runningRef = useRef<string | null>(null);

  useEvent('playground.progress', (p) => {
    if (p.requestId !== runningRef.current) return;
    setStage(p.stage);
    if (p.text) setStreamed((s) => s + p.text);
  });

  async function send() {
    const text = message.trim();
    if (!text || !backendReady(settings, model)) return;
    const conversation: PlaygroundTurn[] = [...turns, { role: 'user', content: text }];
    const requestId = newRequestId();
    runningRef.current = requestId;
    setRunning(requestId);
    setStage('loading');
    setStreamed('');
    setError(null);
    setSaved(null);
    setTurns(conversation);
    setMessage('');
    try {
      const result = await client.call('playground.send', sendInputOf(settings, model, conversation, requestId));
      setExchange(result);
      setAsked(conversation);
      setToSave(result.answer);
      setTurns(turnsAfter(conversation, result));
    } catch (e) {
      setError((e as Error).message);
      // A cancelled or failed request leaves the conversation as it was before it.
      setTurns(turns);
      setMessage(text);
    } finally {
      runningRef.current = null;
      setRunning(null);
      setStage(null);
    }
  }

  async function cancel() {
    if (running) await client.call('playground.cancel', { requestId: running });
  }

  async function save() {
    if (!exchange) return;
    setSaving(true);
    setError(null);
    try {
      setSaved(
        await client.call('playground.save', {
          toolIds: settings.toolIds.map(Number),
          ...(settings.system.trim() ? { system: settings.system } : {}),
          messages: asked,
          output: toSave,
          modelId: exchange.model.id,
          templateHash: exchange.prompt.templateHash,
          sampling: exchange.sampling,
        }),
      );
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  }

  function restart() {
    setTurns([]);
    setExchange(null);
    setSaved(null);
  }

  return {
    turns,
    message,
    setMessage,
    running,
    stage,
    streamed,
    error,
    clearError: () => setError(null),
    exchange,
    toSave,
    setToSave,
    saved,
    saving,
    send,
    cancel,
    save,
    restart,
  };
}

export type PlaygroundChat = ReturnType<typeof usePlaygroundChat>;
