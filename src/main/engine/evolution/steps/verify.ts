import { runInSandbox } from '../../lib/sandbox';
import { insertSample, setGenerationProvenance } from '../../samples/samples-repo';
import { verifyExecution } from '../../subtasks/execution';
import type { Verdict } from '../../subtasks/types';
import { insertVerdicts } from '../../subtasks/verdicts-repo';
import { allPassed, rejectionReason } from '../../subtasks/verify';
import { poolTools, readInvocationInput } from '../pool-data';
import { generationsOf, linkGenerationSample, setMetric, setStage } from '../rounds-repo';
import { voteOnSamples } from '../vote';
import { checkpointOutput, roundOf, stoppedBefore, type Ctx } from './shared';

/**
 * Step 4, verification and voting: each new query's k answers are voted on (`vote.ts`); the majority
 * answer runs in the sandbox where its tool has an implementation. Every answer becomes a sample, a
 * candidate or rejected with its reason, all in one transaction.
 */
export async function verifyStep(ctx: Ctx, seq: number) {
  const stop = stoppedBefore(ctx);
  if (stop) return { skipped: stop };
  const done = checkpointOutput(ctx);
  if (done) return done;
  const s = ctx.settings;
  const round = roundOf(ctx, seq);
  const impls = new Map(
    poolTools(ctx.db, s.pool)
      .filter((p) => p.implementation)
      .map((p) => [p.tool.name, p.implementation!]),
  );
  // A remote server's answers are no local model's.
  const modelId = s.generation.kind === 'remote' ? null : round.base_model_id;
  const gens = generationsOf(ctx.db, round.id, 'tool_using').filter((g) => g.query_id !== null);
  const made: {
    gen: number;
    sample: Parameters<typeof insertSample>[1];
    verdicts: Verdict[];
    share: number;
    templateHash: string;
    sampling: string;
  }[] = [];
  let i = 0;
  for (const g of gens) {
    ctx.throwIfAborted();
    const prompt = JSON.parse(g.prompt_json) as { query: string; tools: unknown[] };
    const input = readInvocationInput(JSON.stringify(prompt));
    const outputs = JSON.parse(g.outputs_json) as string[];
    if (!input || outputs.length === 0) continue;
    const v = voteOnSamples(outputs, input.tools, s.voteThreshold, s.voteMode);
    const verdicts = [...v.verdicts];
    if (s.execute && v.calls && allPassed(verdicts)) {
      const ex = await verifyExecution(
        v.calls,
        (n) => impls.has(n),
        async (call) => {
          const r = await runInSandbox(impls.get(call.name)!, call.args);
          return r.ok ? { ok: true, result: r.result } : { ok: false, kind: r.reason, message: r.message };
        },
      );
      if (ex) verdicts.push(ex);
    }
    const ok = allPassed(verdicts);
    made.push({
      gen: g.id,
      sample: {
        subtask: 'invocation',
        status: ok ? 'candidate' : 'rejected',
        category: v.category,
        roundId: round.id,
        modelId,
        queryId: g.query_id,
        queryText: input.query,
        input: { query: input.query, tools: input.tools },
        outputText: v.outputText,
        note: ok ? null : rejectionReason(verdicts),
      },
      verdicts,
      share: v.share,
      templateHash: g.template_hash,
      sampling: g.sampling_json,
    });
    ctx.progress(++i, gens.length, 'verifying and voting');
  }
  let verified = 0;
  let stored = 0;
  // The samples and the step's output in one transaction: a kill in between would otherwise store the
  // round's samples twice (the resumed step finds no output and verifies again).
  const output = { generated: made.length, verified: 0 };
  ctx.commit(
    (db) => {
      for (const m of made) {
        const id = insertSample(db, m.sample);
        if (id === null) continue;
        stored++;
        setGenerationProvenance(db, id, { voteShare: m.share, templateHash: m.templateHash, samplingJson: m.sampling });
        insertVerdicts(db, id, 1, m.verdicts);
        linkGenerationSample(db, m.gen, id);
        if (m.sample.status === 'candidate') verified++;
      }
      output.verified = verified;
      output.generated = stored;
      // What was stored (a duplicate answer is skipped): the rows the views and the CLI count (round-counts.ts).
      setMetric(db, round.id, 'samples_generated', stored);
      setMetric(db, round.id, 'samples_verified', verified);
      setStage(db, round.id, s.curation === 'wait' ? 'curation' : 'select');
    },
    { output },
  );
  return output;
}
