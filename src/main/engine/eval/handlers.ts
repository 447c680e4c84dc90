import type { evalMethods } from '../../../shared/contract/eval';
import { ApiError } from '../../../shared/contract/errors';
import type { Handlers } from '../core/handlers';
import { importBfclSet } from './bfcl-import';
import { importBfclSample } from './bfcl-sample';
import { getRunInfo, listRuns, runCheck, runResults } from './eval-run';
import { leaderboardEntries } from './leaderboard-repo';
import { deleteSet, listItems, listSets, requireSet } from './sets-repo';
import { parseJsonColumn } from '../lib/json-column';

export const evalHandlers: Handlers<typeof evalMethods> = {
  'eval.import': async (input, ctx) => {
    const name =
      input.name ??
      ('path' in input.questions ? input.questions.path : input.questions.fileName)
        .split(/[\\/]/)
        .pop()!
        .replace(/\.(jsonl?|ndjson)$/i, '');
    const set = await importBfclSet(ctx.db, { ...input, name }, (p) => ctx.events.emit('eval.importProgress', { name, ...p }));
    ctx.events.emit('eval.changed', { setId: set.id });
    return { set };
  },
  'eval.importBfclSample': async (input, ctx) => {
    const out = await importBfclSample(ctx.db, input, (p) => ctx.events.emit('eval.importProgress', { name: input.name, ...p }));
    ctx.events.emit('eval.changed', { setId: out.set.id });
    return out;
  },
  'eval.listSets': (_input, ctx) => ({ items: listSets(ctx.db) }),
  'eval.deleteSet': ({ set }, ctx) => {
    const info = requireSet(ctx.db, set);
    const deleted = deleteSet(ctx.db, info.id);
    ctx.events.emit('eval.changed', { setId: info.id });
    return { deleted };
  },
  'eval.items': ({ set, category, limit, offset }, ctx) => {
    const info = requireSet(ctx.db, set);
    const { items, total } = listItems(ctx.db, info.id, { category, limit, offset });
    return {
      total,
      items: items.map((i) => ({
        id: i.id,
        key: i.item_key,
        category: i.category,
        question: parseJsonColumn<never>(i.question_json),
        tools: parseJsonColumn<never>(i.tools_json),
        answer: i.answer_json === null ? null : ((JSON.parse(i.answer_json) as { ground_truth?: unknown }).ground_truth as never),
      })),
    };
  },
  'eval.check': ({ set, outputs, label, decoder, includeResults }, ctx) => {
    const { run, verdicts } = runCheck(ctx.db, set, outputs, { label, decoder });
    ctx.events.emit('eval.changed', { setId: run.setId });
    return {
      run,
      results: includeResults
        ? verdicts.map((v) => ({ id: v.key, valid: v.result.valid, errorType: v.result.errorType ?? null }))
        : undefined,
    };
  },
  'eval.runs': ({ set }, ctx) => ({ items: listRuns(ctx.db, set === undefined ? undefined : requireSet(ctx.db, set).id) }),
  'eval.leaderboard': ({ set }, ctx) => ({
    entries: leaderboardEntries(ctx.db, set === undefined ? undefined : requireSet(ctx.db, set).id),
  }),
  'eval.run': ({ runId, ...filters }, ctx) => {
    const run = getRunInfo(ctx.db, runId);
    if (!run) throw new ApiError('not_found', `Evaluation run ${runId} was not found.`, { runId });
    const { results, total } = runResults(ctx.db, runId, filters);
    return { run, total, results: results.map((r) => ({ ...r, question: r.question as never, answer: r.answer as never })) };
  },
};
