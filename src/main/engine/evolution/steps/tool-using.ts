import { RemoteBackendError } from '../../inference/remote-backend';
import { invocationPrompt } from '../../subtasks/builders';
import { PROMPT_VERSION } from '../../subtasks/prompts';
import type { ToolDef } from '../../tools/types';
import { readInvocationInput } from '../pool-data';
import { currentVersion } from '../../samples/samples-repo';
import { insertGeneration, setStage, toolMakingQueries } from '../rounds-repo';
import { roundOf, sampling, stoppedBefore, toolsJson, withGeneration, type Ctx } from './shared';

/**
 * Step 3, tool-using: k answers per (query, tools) from the generating model, one prompt per commit. The
 * labelled queries' answers are what selection scores pass@k on; the new queries' answers are voted on.
 */

interface UseItem {
  queryId: number | null;
  sampleId: number | null;
  query: string;
  tools: ToolDef[];
}

function useItems(ctx: Ctx, seq: number): UseItem[] {
  const round = roundOf(ctx, seq);
  const q = ctx.outputs[`round-${seq}/queries`] as { labelled: number[] } | undefined;
  const items: UseItem[] = [];
  const queries = toolMakingQueries(ctx.db, round.id);
  for (const row of queries) {
    const input = readInvocationInput(JSON.stringify({ query: row.text, tools: JSON.parse(row.tools_json) }));
    if (input) items.push({ queryId: row.id, sampleId: null, query: input.query, tools: input.tools });
  }
  for (const id of q?.labelled ?? []) {
    const row = currentVersion(ctx.db, id);
    const input = row ? readInvocationInput(row.input_json) : null;
    if (input) items.push({ queryId: null, sampleId: id, query: input.query, tools: input.tools });
  }
  return items;
}

export async function toolUsingStep(ctx: Ctx, seq: number) {
  const stop = stoppedBefore(ctx);
  if (stop) return { skipped: stop };
  const s = ctx.settings;
  const round = roundOf(ctx, seq);
  const items = useItems(ctx, seq);
  let next = (ctx.checkpoint as { next?: number } | undefined)?.next ?? 0;
  const k = Math.max(s.k, s.passK);
  if (next < items.length) {
    await withGeneration(ctx, round.base_model_id!, async ({ backend, remote }) => {
      for (; next < items.length;) {
        ctx.throwIfAborted();
        const item = items[next]!;
        const prompt = invocationPrompt(item.query, item.tools);
        const used = sampling(s, seq * 15_485_863 + next);
        let outputs: string[] = [];
        let tokens = 0;
        let ms = 0;
        // A failed generation keeps the round's (training) template hash.
        let templateHash = round.template_hash ?? '';
        let error: string | undefined;
        try {
          // One prompt, k samples: a local backend evaluates the prompt once and shares it across sequences.
          const r = await backend.generate({
            messages: prompt.messages,
            tools: prompt.tools,
            k,
            sampling: used,
            constrain: s.constrain,
            signal: ctx.signal,
          });
          outputs = r.outputs.map((o) => o.text);
          tokens = r.outputs.reduce((a, o) => a + o.tokens, 0);
          ms = r.ms;
          templateHash = r.templateHash;
        } catch (e) {
          // A server that is down or refuses us fails the step (the job can be retried); one bad prompt does not.
          if ((e as Error).name === 'AbortError' || (e instanceof RemoteBackendError && e.code !== 'invalid_input')) throw e;
          error = (e as Error).message;
        }
        const i = next;
        ctx.commit(
          (db) => {
            insertGeneration(db, {
              roundId: round.id,
              purpose: 'tool_using',
              queryId: item.queryId,
              sourceSampleId: item.sampleId,
              prompt: { query: item.query, tools: toolsJson(item.tools), promptVersion: PROMPT_VERSION, ...(error ? { error } : {}) },
              outputs,
              templateHash,
              sampling: { ...used, k, constrain: s.constrain, ...(remote ? { backend: remote } : {}) },
              tokens,
              ms,
            });
          },
          { next: i + 1 },
        );
        next = i + 1;
        ctx.progress(next, items.length, `sampling ${k} answers per query`);
      }
    });
  }
  ctx.commit((db) => setStage(db, round.id, 'verify'), { next });
  return { items: items.length, k };
}
