import type { poolMethods } from '../../../shared/contract/pool';
import type { Handlers } from '../core/handlers';
import { builtinDataStatus, installBuiltinData } from './builtin-data';
import { BUILTIN_POOL } from './install';

export const poolHandlers: Handlers<typeof poolMethods> = {
  'pool.status': (_input, ctx) => builtinDataStatus(ctx.db),
  'pool.install': (_input, ctx) => {
    const result = installBuiltinData(ctx.db);
    ctx.events.emit('tools.changed', { pool: BUILTIN_POOL });
    if (result.evalSets.added.length) ctx.events.emit('eval.changed', { setId: null });
    ctx.events.emit('workspace.changed', { what: 'builtin-data' });
    return result;
  },
};
