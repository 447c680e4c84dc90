import type { curationMethods } from '../../../shared/contract/curation';
import type { Handlers } from '../core/handlers';
import { countSamplesByStatus, idsMatching, pageSamples } from './browse';
import { applyCuration, undoCuration } from './curate';
import { sampleDetail } from './detail';
import { datasetStats } from './stats';
import { executeEditedVersion, readEditedOutput } from './edit-check';
import { parseCalls } from '../tools/call-parse';
import { insertVerdicts } from '../subtasks/verdicts-repo';
import { runInSandbox } from '../lib/sandbox';
import type { Db } from '../db/open';
import { notFound } from '../core/engine-error';
import { currentVersion } from '../samples/samples-repo';

export const curationHandlers: Handlers<typeof curationMethods> = {
  'samples.page': (input, ctx) => pageSamples(ctx.db, input),
  'samples.count': ({ filter }, ctx) => countSamplesByStatus(ctx.db, filter),
  'samples.detail': ({ id }, ctx) => sampleDetail(ctx.db, id),
  'samples.curate': async ({ action, target }, ctx) => {
    const ids = 'ids' in target ? target.ids : idsMatching(ctx.db, target.filter);
    const result = applyCuration(ctx.db, action, ids);
    if (action.kind === 'edit') await verifyEditExecution(ctx.db, ids[0]!);
    ctx.events.emit('samples.changed', { ids: ids.slice(0, 1000), count: ids.length });
    return result;
  },
  'samples.undo': ({ actionId }, ctx) => {
    const result = undoCuration(ctx.db, actionId);
    if (result.affected > 0) ctx.events.emit('samples.changed', { ids: [], count: result.affected });
    return result;
  },
  'datasets.stats': (_input, ctx) => datasetStats(ctx.db),
  'samples.checkEdit': ({ id, output }, ctx) => {
    const row = currentVersion(ctx.db, id);
    if (!row) throw notFound(`Sample ${id}`);
    const r = readEditedOutput(output, JSON.parse(row.input_json) as unknown, row.category);
    return { ok: r.ok, kind: r.kind, calls: r.ok ? r.calls.length : 0, reason: r.ok ? null : r.reason };
  },
};

/** After an edit is stored: the execution verifier on its new version, where a called tool can run. */
async function verifyEditExecution(db: Db, id: number): Promise<void> {
  const row = currentVersion(db, id)!;
  const parsed = parseCalls(row.output_text);
  if (!parsed.ok || parsed.calls.length === 0) return;
  const verdict = await executeEditedVersion(db, parsed.calls, runInSandbox);
  if (verdict) insertVerdicts(db, id, row.version, [verdict]);
}
