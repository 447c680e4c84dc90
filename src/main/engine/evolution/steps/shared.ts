import type { Db } from '../../db/open';
import type { StepContext } from '../../jobs/types';
import { remoteKeyOf } from '../../jobs/remote-keys';
import type { GenerationBackend, SamplingSettings } from '../../inference/backend';
import { openBackend } from '../../models/backend-select';
import type { CallFormat } from '../../inference/call-formats';
import { chatTemplateFromMetadata, type ChatTemplate } from '../../inference/chat-render';
import { readGguf } from '../../lib/gguf/read';
import { parseOutput } from '../../subtasks/verify';
import type { ToolUse } from '../../subtasks/types';
import { canonicalCall } from '../../tools/canonical';
import type { Call, ToolDef } from '../../tools/types';
import { readInvocationInput } from '../pool-data';
import { getRound, lastAcceptedModelBefore, toolUsingCandidateRows, type RoundRow } from '../rounds-repo';
import type { EvolveSettings } from '../settings';

/**
 * What the steps of a self-evolution run share. Each step reads what the previous ones stored (rounds,
 * queries, round_generations, samples), does its part, and stores its rows together with its checkpoint (one
 * transaction), so a resumed job redoes only uncommitted work. A step of a round after an early stop
 * returns `{skipped}`.
 */

export type Ctx = StepContext<EvolveSettings, Record<string, unknown>>;

export interface Workspace {
  modelsDir: string;
  dir: string;
}

/** The model a round starts from: the last accepted round's model of this run (round 0 = the base). */
export function currentModelId(db: Db, s: EvolveSettings, seq: number): number {
  return lastAcceptedModelBefore(db, s.runId, seq) ?? s.modelId;
}

/** The chat template a model's prompts and training examples are rendered with (its call-format override applied). */
export async function templateOf(model: { file: string; callFormat: CallFormat | null }): Promise<ChatTemplate> {
  return chatTemplateFromMetadata((await readGguf(model.file)).metadata, model.callFormat);
}

export interface Generation {
  backend: GenerationBackend;
  /** The registry model that generates; null for a remote server (the samples then name no local model). */
  modelId: number | null;
  /** Provenance for a remote server's samples (`remote:<model>@<url>`); absent for the local model. */
  remote?: string;
}

/**
 * Runs `fn` with the backend the run's `generation` setting names: the local model `modelId` in the engine's
 * runtime (k/passK sequences, the run's threads; an adapter on its base), or the remote server.
 */
export async function withGeneration<T>(ctx: Ctx, modelId: number, fn: (g: Generation) => Promise<T>): Promise<T> {
  const s = ctx.settings;
  const g = s.generation;
  const { backend, release } =
    g.kind === 'remote'
      ? await openBackend(ctx.engine, { ...g, apiKey: g.apiKey ?? remoteKeyOf(ctx.jobId) })
      : await openBackend(
          ctx.engine,
          { kind: 'local', model: modelId },
          { threads: s.threads, gpu: g.gpu, sequences: Math.max(s.k, s.passK) },
        );
  try {
    return await fn(g.kind === 'remote' ? { backend, modelId: null, remote: backend.id } : { backend, modelId });
  } finally {
    await release();
  }
}

/** Stops early: an earlier round's decide step said so. */
export function stoppedBefore(ctx: Ctx): string | null {
  for (const [name, out] of Object.entries(ctx.outputs)) {
    if (name.endsWith('/decide') && out && typeof out === 'object' && (out as { stop?: string }).stop)
      return (out as { stop: string }).stop;
  }
  return null;
}

export function sampling(s: EvolveSettings, seedSalt: number, temperature = s.temperature): SamplingSettings {
  return { temperature, maxTokens: s.maxTokens, seed: s.seed * 100_003 + seedSalt };
}

export function toolsJson(tools: readonly ToolDef[]): unknown[] {
  return tools.map((t) => t.original ?? { name: t.name, description: t.description, parameters: t.parameters });
}

export function roundOf(ctx: Ctx, seq: number): RoundRow {
  const r = getRound(ctx.db, ctx.settings.runId, seq);
  if (!r) throw new Error(`round ${seq} of run ${ctx.settings.runId} has no row: its queries step did not run`);
  return r;
}

/** Partial credit of an output against a label: share of label calls matched by name (half) and exactly (half). */
export function partialCredit(output: string, label: Call[] | null): number {
  const p = parseOutput(output);
  if (!p.ok || !label || label.length === 0) return 0;
  const names = p.calls.map((c) => c.name);
  const exact = new Set(p.calls.map(canonicalCall));
  let score = 0;
  for (const c of label) {
    const i = names.indexOf(c.name);
    if (i >= 0) {
      names.splice(i, 1);
      score += 0.5;
    }
    if (exact.has(canonicalCall(c))) score += 0.5;
  }
  return score / label.length;
}

export function checkpointOutput(ctx: Ctx): unknown | undefined {
  const c = ctx.checkpoint as { output?: unknown } | undefined;
  return c?.output;
}

export type { QueryRow } from '../rounds-repo';

/** A labelled tool-use sample of the round with the current model's k answers to it. */
export interface Candidate {
  sampleId: number;
  use: ToolUse;
  key: string;
  outputs: string[];
}

/** The round's tool-using prompts whose sample (voted or labelled) is not rejected: selection's and the mix's input. */
export function candidatesOf(ctx: Ctx, round: RoundRow): Candidate[] {
  const rows = toolUsingCandidateRows(ctx.db, round.id);
  const out: Candidate[] = [];
  for (const r of rows) {
    const input = readInvocationInput(r.input_json);
    const label = parseOutput(r.output_text);
    if (!input || !label.ok) continue;
    const calls = label.words ? null : label.calls;
    out.push({
      sampleId: r.sid,
      use: {
        query: input.query,
        tools: input.tools,
        calls,
        ...(calls ? {} : { answerText: r.output_text }),
        category: r.category ?? undefined,
      },
      key: label.key,
      outputs: JSON.parse(r.outputs_json) as string[],
    });
  }
  return out;
}
