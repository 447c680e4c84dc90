import fs from 'node:fs';
import path from 'node:path';
import { buildRefinementCorpus, type Attempt } from '../../refine/corpus';
import { invocationTarget } from '../../subtasks/builders';
import type { SubtaskExample } from '../../subtasks/types';
import { renderExamples } from '../../train/examples';
import { heldOutQueries, refuseHeldOut } from '../heldout-overlap';
import { buildTrainingMix } from '../mix';
import { getModelRef } from '../models-link';
import { selectedOfRound, setMetric, setRoundTemplateHash, setStage } from '../rounds-repo';
import { candidatesOf, roundOf, stoppedBefore, templateOf, type Ctx, type Workspace } from './shared';

/**
 * Step 7, the training mix: the selected samples as the three sub-tasks at the mix's shares plus the
 * refinement corpus, rendered with the local model's chat template (training is always local) into a
 * JSON-lines file the train step reads.
 */

export function mixFile(ws: Workspace, runId: string, seq: number): string {
  return path.join(ws.dir, 'rounds', `${runId}-r${seq}.mix.jsonl`);
}

export async function mixStep(ctx: Ctx, ws: Workspace, seq: number) {
  const stop = stoppedBefore(ctx);
  if (stop) return { skipped: stop };
  const s = ctx.settings;
  const round = roundOf(ctx, seq);
  const model = getModelRef(ctx.db, ws.modelsDir, round.base_model_id!);
  const template = await templateOf(model);
  // Held-out queries never train: a candidate equal to an evaluation query of this run is refused (counted).
  const { kept: candidates, refused } = refuseHeldOut(candidatesOf(ctx, round), (c) => c.use.query, heldOutQueries(ctx.db, s.evalSets));
  if (refused.length > 0)
    ctx.log(
      'warn',
      `Round ${seq}: ${refused.length} training sample(s) refused from the mix: their query is in a held-out set this run evaluates on`,
    );
  const selectedIds = new Set(selectedOfRound(ctx.db, round.id));
  const selected = candidates.filter((c) => selectedIds.has(c.sampleId));
  // Refinement corpus: the model's own answers to this round's labelled queries.
  const attempts: Attempt[] = candidates.flatMap((c) =>
    c.outputs.map((o) => ({ query: c.use.query, tools: c.use.tools, output: o, target: invocationTarget(c.use), targetKey: c.key })),
  );
  const nInv = s.mix.invocation > 0 ? selected.length : 0;
  const corpus = buildRefinementCorpus(attempts, {
    ratio: s.refineRatio,
    max: Math.round(s.refinementShare * Math.max(nInv, selected.length)),
    seed: s.seed + seq,
  });
  const mix = buildTrainingMix(
    selected.map((c) => c.use),
    s.mix,
    corpus.examples,
    s.seed + seq,
  );
  const { examples, templateHash } = renderExamples(
    template,
    mix.examples.map((e: SubtaskExample) => ({
      messages: [...e.messages, { role: 'assistant' as const, content: e.target }],
      tools: e.tools,
    })),
  );
  const file = mixFile(ws, s.runId, seq);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    examples.map((e, i) => JSON.stringify({ subtask: mix.examples[i]!.subtask, ...e })).join('\n') + (examples.length ? '\n' : ''),
  );
  const output = {
    file,
    templateHash,
    counts: mix.counts,
    total: examples.length,
    heldOutRefused: refused.length,
    refinement: { wrong: corpus.wrong, right: corpus.right },
  };
  ctx.commit(
    (db) => {
      for (const [k, v] of Object.entries(mix.counts)) setMetric(db, round.id, 'mix', v, k);
      setMetric(db, round.id, 'heldout_overlap_refused', refused.length);
      setRoundTemplateHash(db, round.id, templateHash);
      setStage(db, round.id, 'train');
    },
    { output },
  );
  return output;
}
