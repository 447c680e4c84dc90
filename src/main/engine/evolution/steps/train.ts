import fs from 'node:fs';
import path from 'node:path';
import { readGguf } from '../../lib/gguf/read';
import { modelIdOfRound } from '../../models/models-repo';
import { registerModel } from '../../models/registry';
import { deleteTrainPointsOfRun, insertTrainPoint } from '../../train/points-repo';
import { trainProgressEmitter } from '../../train/progress-events';
import { peftDirOf } from '../../train/python/backend';
import { runTraining } from '../../train/run';
import { getModelRef } from '../models-link';
import { defaultThreads } from '../../workspace/threads-setting';
import { setMetric, setStage } from '../rounds-repo';
import { checkpointOutput, roundOf, stoppedBefore, type Ctx, type Workspace } from './shared';

/**
 * Step 8, training: the mix on the round's local model with the run's trainer (`backend`), whichever
 * backend generated the data; the result is registered as the base model's child made in this round.
 */
export async function trainStep(ctx: Ctx, ws: Workspace, seq: number) {
  const stop = stoppedBefore(ctx);
  if (stop) return { skipped: stop };
  const done = checkpointOutput(ctx);
  if (done) return done;
  const s = ctx.settings;
  const round = roundOf(ctx, seq);
  const base = getModelRef(ctx.db, ws.modelsDir, round.base_model_id!);
  // A round that starts from an earlier round's LoRA adapter continues it (python trainer), so what the
  // rounds teach adds up instead of each round's adapter starting from the base again.
  const peft = base.kind === 'adapter' && base.adapterFile ? peftDirOf(base.adapterFile) : null;
  const initAdapter = s.backend === 'python' && peft && fs.existsSync(peft) ? peft : undefined;
  if (initAdapter) ctx.log('info', `round ${seq}: training continues the adapter of ${base.name}`);
  const mix = ctx.outputs[`round-${seq}/mix`] as { file: string; templateHash: string; total: number };
  const rows = fs.existsSync(mix.file)
    ? fs
        .readFileSync(mix.file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map(
          (l) =>
            JSON.parse(l) as {
              text: string;
              spans: { start: number; end: number }[];
              messages?: { role: string; content: string }[];
              tools?: unknown[];
            },
        )
    : [];
  if (rows.length === 0) {
    const output = { skipped: 'the training mix is empty (no sample was selected)', modelId: null };
    ctx.commit(() => undefined, { output });
    return output;
  }
  const header = await readGguf(base.file);
  const modelCtx = Number(Object.entries(header.metadata).find(([k]) => k.endsWith('.context_length'))?.[1] ?? 2048);
  // The native trainer learns windows of exactly contextLength tokens and refuses longer examples:
  // size the window to the longest example (characters bound tokens from above), capped by the model.
  const longest = Math.max(...rows.map((r) => Buffer.byteLength(r.text) + 8));
  let contextLength = s.train.contextLength;
  while (contextLength < longest && contextLength < modelCtx) contextLength *= 2;
  contextLength = Math.min(contextLength, modelCtx);
  const examples = rows.filter((r) => Buffer.byteLength(r.text) + 8 <= contextLength);
  const dropped = rows.length - examples.length;
  if (dropped) ctx.log('warn', `${dropped} training example(s) are longer than the ${contextLength}-token window and were left out`);
  const output = path.join(ws.modelsDir, `${s.runId}-r${seq}.gguf`);
  const runKey = `${s.runId}-r${seq}`;
  const existing = modelIdOfRound(ctx.db, round.id, base.id);
  if (!existing) {
    fs.rmSync(output, { force: true }); // a previous attempt died before registering it
    deleteTrainPointsOfRun(ctx.db, runKey);
  }
  // A run started through evolution.start has its threads fixed; one started as a bare job gets the default now.
  const trainThreads = s.train.threads ?? defaultThreads(ctx.db).training;
  const started = Date.now();
  let lastLoss: number | undefined;
  // The Jobs view's live curve (throttled; the stored points below are the same ones).
  const live = trainProgressEmitter((e) => ctx.emit('train.progress', e), { runId: runKey, jobId: ctx.jobId, roundId: round.id });
  const result = existing
    ? null
    : await runTraining(
        {
          backend: s.backend,
          baseModel: base.file,
          baseModelId: base.id,
          examples: examples.map((e) => ({ text: e.text, spans: e.spans, messages: e.messages, tools: e.tools })),
          validationShare: examples.length >= 10 ? 0.1 : 0,
          output,
          name: `${s.runId}-r${seq}`,
          roundId: round.id,
          templateHash: mix.templateHash,
          hyper: {
            epochs: s.train.epochs,
            maxSteps: s.train.maxSteps,
            learningRate: s.train.learningRate,
            contextLength,
            seed: s.seed + seq,
            warmupSteps: 2,
          },
          native: { trainLayers: s.train.trainLayers, threads: trainThreads },
          python: { threads: trainThreads, ...(initAdapter ? { initAdapter } : {}) },
          ...(s.train.command ? { command: { command: s.train.command } } : {}),
        },
        {
          signal: ctx.signal,
          onProgress: (p) => {
            if (p.loss !== undefined) lastLoss = p.loss;
            // The curve the Rounds view draws.
            insertTrainPoint(ctx.db, { runKey, roundId: round.id, jobId: ctx.jobId, progress: p });
            live.report(p);
            ctx.progress(p.step, p.totalSteps ?? null, `training${lastLoss !== undefined ? `, loss ${lastLoss.toFixed(3)}` : ''}`);
          },
          onLog: (level, message) => ctx.log(level, message),
          register: async (spec, outcome) =>
            (
              await registerModel(ctx.db, ws.modelsDir, outcome.file, {
                name: spec.name,
                kind: outcome.kind === 'adapter' ? 'adapter' : 'finetune',
                parentId: base.id,
                roundId: round.id,
                trainer: spec.backend,
                metadata: {
                  metrics: outcome.metrics,
                  examples: examples.length,
                  runId: s.runId,
                  round: seq,
                  trainTemplateHash: spec.templateHash,
                },
              })
            ).id,
        },
      ).finally(() => live.flush());
  const modelId = existing?.id ?? result?.modelId ?? null;
  const out = {
    modelId,
    examples: examples.length,
    dropped,
    contextLength,
    metrics: result?.metrics ?? null,
    seconds: (Date.now() - started) / 1000,
  };
  ctx.commit(
    (db) => {
      if (result?.metrics.firstLoss !== undefined) setMetric(db, round.id, 'train_loss_first', result.metrics.firstLoss);
      if (result?.metrics.finalLoss !== undefined) setMetric(db, round.id, 'train_loss_final', result.metrics.finalLoss);
      if (result) setMetric(db, round.id, 'train_steps', result.metrics.steps);
      if (result) setMetric(db, round.id, 'train_seconds', result.metrics.seconds);
      setStage(db, round.id, 'evaluate');
    },
    { output: out },
  );
  return out;
}
