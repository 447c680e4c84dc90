import type { Input, Output } from '../../../../shared/contract';
import type { PlaygroundTurn } from '../../../../shared/contract/playground';

export type Exchange = Output<'playground.send'>;
type SendInput = Input<'playground.send'>;

/** What the left-hand form holds: the backend, the tools and how to sample. */
export interface ChatSettings {
  backendKind: 'local' | 'remote';
  /** The chosen local model's id; null: the first registered one. */
  modelId: string | null;
  remote: { baseUrl: string; model: string; apiKey: string };
  toolIds: string[];
  system: string;
  constrain: boolean;
  maxTokens: number;
  temperature: number;
  maxRefinements: number;
  /** Empty: the engine's choice. */
  threads: number | '';
}

export const DEFAULT_CHAT_SETTINGS: ChatSettings = {
  backendKind: 'local',
  modelId: null,
  remote: { baseUrl: '', model: '', apiKey: '' },
  toolIds: [],
  system: '',
  constrain: false,
  maxTokens: 256,
  temperature: 0,
  maxRefinements: 1,
  threads: 1,
};

export function newRequestId(): string {
  return `pg-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Whether the form names a backend to send to (`model`: the local model in use, if any). */
export function backendReady(settings: ChatSettings, model: string | null): boolean {
  return settings.backendKind === 'local' ? model !== null : settings.remote.baseUrl.trim() !== '' && settings.remote.model.trim() !== '';
}

/** The `playground.send` request for one conversation: only what the person set, trimmed. */
export function sendInputOf(settings: ChatSettings, model: string | null, messages: PlaygroundTurn[], requestId: string): SendInput {
  const { remote, threads, system } = settings;
  return {
    requestId,
    backend:
      settings.backendKind === 'local'
        ? { kind: 'local', model: Number(model) }
        : {
            kind: 'remote',
            baseUrl: remote.baseUrl.trim(),
            model: remote.model.trim(),
            ...(remote.apiKey ? { apiKey: remote.apiKey } : {}),
          },
    ...(threads !== '' ? { threads } : {}),
    toolIds: settings.toolIds.map(Number),
    ...(system.trim() ? { system } : {}),
    messages,
    constrain: settings.constrain ? 'calls' : 'none',
    sampling: { temperature: settings.temperature, maxTokens: settings.maxTokens },
    maxRefinements: settings.maxRefinements,
  };
}

/** The chat after an answer: it goes on from the answer (when it has words) and what the tools returned. */
export function turnsAfter(asked: PlaygroundTurn[], exchange: Exchange): PlaygroundTurn[] {
  const toolTurns: PlaygroundTurn[] = exchange.toolResults
    .filter((r) => r.ok)
    .map((r) => ({ role: 'tool', name: r.name, content: JSON.stringify(r.result ?? null) }));
  const answer: PlaygroundTurn[] = exchange.answer.trim() ? [{ role: 'assistant', content: exchange.answer }] : [];
  return [...asked, ...answer, ...toolTurns];
}
