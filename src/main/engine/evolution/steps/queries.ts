import type { SamplingSettings } from '../../inference/backend';
import { queryGenerationPrompt } from '../../subtasks/builders';
import { PROMPT_VERSION } from '../../subtasks/prompts';
import { looksLikeWords } from '../../subtasks/verify';
import type { ToolDef } from '../../tools/types';
import { getModelRef } from '../models-link';
import { poolTools, unusedLabelledQueries } from '../pool-data';
import {
  assignQueryToRound,
  ensureRound,
  generatedQueryInserter,
  getRound,
  importedQueriesToUse,
  insertGeneration,
  setMetric,
  setStage,
} from '../rounds-repo';
import { splitBudget } from '../targeted';
import {
  checkpointOutput,
  currentModelId,
  sampling,
  stoppedBefore,
  templateOf,
  toolsJson,
  withGeneration,
  type Ctx,
  type Workspace,
} from './shared';

/**
 * Step 1, queries in: the round's labelled queries (imports, seeds not yet used by the run), the person's
 * unlabelled imports, and new queries the generating model writes for pool tools (split by where the last
 * evaluation failed when targeted).
 */

/** The evaluation (byTool failures) of the model the round starts from. */
function lastEvaluation(ctx: Ctx, seq: number): Record<string, { total: number; failed: number }> | null {
  const modelId = currentModelId(ctx.db, ctx.settings, seq);
  for (let r = seq - 1; r >= 0; r--) {
    const name = r === 0 ? 'baseline' : `round-${r}/evaluate`;
    const out = ctx.outputs[name] as { byTool?: Record<string, { total: number; failed: number }>; modelId?: number } | undefined;
    const row = getRound(ctx.db, ctx.settings.runId, r);
    if (out?.byTool && row && (row.result_model_id === modelId || r === 0)) return out.byTool;
  }
  return null;
}

export async function queriesStep(ctx: Ctx, ws: Workspace, seq: number) {
  const stop = stoppedBefore(ctx);
  if (stop) return { skipped: stop };
  const done = checkpointOutput(ctx);
  if (done) return done;
  const s = ctx.settings;
  const model = getModelRef(ctx.db, ws.modelsDir, currentModelId(ctx.db, s, seq));
  const template = await templateOf(model);
  const round = ensureRound(ctx.db, {
    jobId: ctx.jobId,
    runId: s.runId,
    seq,
    baseModelId: model.id,
    settings: s,
    templateHash: template.hash,
  });
  const labelled = unusedLabelledQueries(ctx.db, s.runId, s.importsPerRound, s.seed + seq);
  const pool = poolTools(ctx.db, s.pool);
  const failures = lastEvaluation(ctx, seq);
  const budget = splitBudget(
    s.generatedPerRound,
    pool.map((p) => p.tool.name),
    failures ? Object.entries(failures).map(([key, f]) => ({ key, ...f })) : null,
    { targeted: s.targeted },
  );
  const generated: {
    text: string;
    tool: ToolDef;
    gen: { outputs: string[]; tokens: number; ms: number; templateHash: string; samplingUsed: SamplingSettings };
  }[] = [];
  const seen = new Set<string>();
  let dropped = 0;
  let remote: string | undefined;
  if (s.generatedPerRound > 0 && pool.length > 0) {
    await withGeneration(ctx, model.id, async ({ backend, remote: server }) => {
      remote = server;
      let i = 0;
      const wanted = [...budget.entries()].filter(([, n]) => n > 0);
      for (const [name, n] of wanted) {
        ctx.throwIfAborted();
        const tool = pool.find((p) => p.tool.name === name)!.tool;
        const prompt = queryGenerationPrompt([tool]);
        const used = { ...sampling(s, seq * 7919 + i, Math.max(0.9, s.temperature)), maxTokens: Math.min(120, s.maxTokens) };
        const r = await backend.generate({ messages: prompt.messages, tools: prompt.tools, k: n, sampling: used, signal: ctx.signal });
        const outputs = r.outputs.map((o) => o.text);
        for (const text of outputs) {
          const q = text.split('\n')[0]!.trim().slice(0, 300);
          if (q.length < 8 || seen.has(q) || !looksLikeWords(q)) {
            dropped++;
            continue;
          }
          seen.add(q);
          generated.push({
            text: q,
            tool,
            gen: {
              outputs,
              tokens: r.outputs.reduce((a, o) => a + o.tokens, 0),
              ms: r.ms,
              templateHash: r.templateHash,
              samplingUsed: used,
            },
          });
        }
        ctx.progress(++i, wanted.length, 'writing new queries');
      }
    });
  }
  let queryIds: number[] = [];
  const output = () => ({
    roundId: round.id,
    labelled: labelled.map((l) => l.sampleId),
    generated: queryIds,
    dropped,
    budget: Object.fromEntries(budget),
    targeted: s.targeted && failures !== null,
  });
  ctx.commit(
    (db) => {
      const insertQuery = generatedQueryInserter(db);
      // Unlabelled queries the person imported (with their tools) go through tool-making and voting like new ones.
      const imported = importedQueriesToUse(db, s.importsPerRound);
      for (const q of imported) assignQueryToRound(db, q.id, round.id);
      queryIds = imported.map((q) => q.id);
      queryIds.push(
        ...generated.map((g) => {
          const id = insertQuery(g.text, round.id, JSON.stringify(toolsJson([g.tool])));
          insertGeneration(db, {
            roundId: round.id,
            purpose: 'query',
            queryId: id,
            prompt: { tools: [g.tool.name], promptVersion: PROMPT_VERSION },
            outputs: [g.text],
            templateHash: g.gen.templateHash,
            sampling: remote ? { ...g.gen.samplingUsed, backend: remote } : g.gen.samplingUsed,
            tokens: g.gen.tokens,
            ms: g.gen.ms,
          });
          return id;
        }),
      );
      setMetric(db, round.id, 'queries_labelled', labelled.length);
      setMetric(db, round.id, 'queries_new', queryIds.length);
      setMetric(db, round.id, 'queries_dropped', dropped);
      setStage(db, round.id, 'tool-making');
    },
    { output: output() },
  );
  return output();
}
