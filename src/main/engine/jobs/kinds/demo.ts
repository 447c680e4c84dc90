import crypto from 'node:crypto';
import { z } from 'zod';
import { defineJobKind } from '../registry';
import type { StepDef } from '../types';
import { demoRowsOf, demoRowWriter } from './demo-repo';

/**
 * A small honest job used by the crash test, the Playwright test and the benchmark: `steps` steps that
 * each write `rows` rows keyed by (job, step, index) in batches, each batch committed together with the
 * step's checkpoint, then a step that counts and hashes them. Rows are inserted with a plain INSERT, so
 * a batch done twice would hit the primary key and fail the job: nothing may be done twice.
 */
export const DemoSettings = z.object({
  rows: z.number().int().min(0).max(1_000_000).default(1000),
  steps: z.number().int().min(1).max(20).default(2),
  batch: z.number().int().min(1).max(10_000).default(50),
  /** Pretend work per row (ms; fractions allowed: the wait is taken once per batch). */
  itemDelayMs: z.number().min(0).max(10_000).default(0),
  seed: z.string().max(200).default('demo'),
  /** Fail on reaching this row (in every write step): shows how a failed job looks and is retried. */
  failAtRow: z.number().int().min(0).optional(),
});
export type DemoSettings = z.infer<typeof DemoSettings>;

const Checkpoint = z.object({ next: z.number().int().min(0) });

export function demoValue(seed: string, step: number, index: number): string {
  return crypto.createHash('sha256').update(`${seed}:${step}:${index}`).digest('hex').slice(0, 16);
}

function writeStep(step: number): StepDef<DemoSettings, z.infer<typeof Checkpoint>> {
  return {
    name: `write-${step + 1}`,
    input: { step },
    async run(ctx) {
      const { rows, batch, itemDelayMs, seed } = ctx.settings;
      let next = Checkpoint.optional().parse(ctx.checkpoint)?.next ?? 0;
      const write = demoRowWriter(ctx.db, ctx.jobId, step);
      ctx.progress(next, rows);
      while (next < rows) {
        const end = Math.min(rows, next + batch);
        // Yield every batch so that pause and cancel are seen at once even without a delay.
        if (itemDelayMs > 0) await ctx.sleep((end - next) * itemDelayMs);
        else await new Promise((resolve) => setImmediate(resolve));
        ctx.throwIfAborted();
        const { failAtRow } = ctx.settings;
        if (failAtRow !== undefined && failAtRow >= next && failAtRow < end) {
          throw new Error(`Demo failure at row ${failAtRow} of step ${step + 1} (settings.failAtRow); rows before it are kept.`);
        }
        ctx.progress(end, rows);
        const from = next;
        ctx.commit(
          () => {
            for (let i = from; i < end; i++) write(i, demoValue(seed, step, i));
          },
          { next: end },
        );
        next = end;
      }
      return { rows };
    },
  };
}

export const demoJob = defineJobKind({
  kind: 'demo',
  title: (s) => `Demo: ${s.steps} × ${s.rows} rows`,
  resource: 'light',
  settings: DemoSettings,
  steps: (s) => [
    ...Array.from({ length: s.steps }, (_, i) => writeStep(i)),
    {
      name: 'summarise',
      run(ctx) {
        const rows = demoRowsOf(ctx.db, ctx.jobId);
        const hash = crypto.createHash('sha256');
        for (const r of rows) hash.update(`${r.step}:${r.idx}:${r.value}\n`);
        ctx.log('info', `${rows.length} rows, sha256 ${hash.copy().digest('hex').slice(0, 12)}…`);
        return { rows: rows.length, sha256: hash.digest('hex') };
      },
    },
  ],
});
