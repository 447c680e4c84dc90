import type { curationMethods } from '../../../shared/contract/curation';
import type { Handlers } from '../core/handlers';
import { countSamplesByStatus, idsMatching, pageSamples } from './browse';
import { applyCuration, undoCuration } from './curate';
import { sampleDetail } from './detail';
import { datasetStats } from './stats';

export const curationHandlers: Handlers<typeof curationMethods> = {
  'samples.page': (input, ctx) => pageSamples(ctx.db, input),
  'samples.count': ({ filter }, ctx) => countSamplesByStatus(ctx.db, filter),
  'samples.detail': ({ id }, ctx) => sampleDetail(ctx.db, id),
  'samples.curate': ({ action, target }, ctx) => {
    const ids = 'ids' in target ? target.ids : idsMatching(ctx.db, target.filter);
    const result = applyCuration(ctx.db, action, ids);
    ctx.events.emit('samples.changed', { ids: ids.slice(0, 1000), count: ids.length });
    return result;
  },
  'samples.undo': ({ actionId }, ctx) => {
    const result = undoCuration(ctx.db, actionId);
    if (result.affected > 0) ctx.events.emit('samples.changed', { ids: [], count: result.affected });
    return result;
  },
  'datasets.stats': (_input, ctx) => datasetStats(ctx.db),
};
