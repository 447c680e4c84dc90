import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/main/engine/db/open';
import { EvolveSettings } from '../../src/main/engine/evolution/settings';
import { ensureRound, insertGeneration } from '../../src/main/engine/evolution/rounds-repo';
import type { Ctx } from '../../src/main/engine/evolution/steps/shared';
import { verifyStep } from '../../src/main/engine/evolution/steps/verify';
import { open, tempDir, type Opened } from '../jobs/helpers';
import { POOL, seedPool } from './fixture';

const opened: Opened[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.engine.close();
});

/** A step context like the runner's: each commit is one transaction with its checkpoint; `dieAfter` commits, the process "dies". */
function stepContext(db: Db, settings: EvolveSettings, saved: { checkpoint?: unknown }, dieAfter = Infinity): Ctx {
  let commits = 0;
  return {
    db,
    settings,
    jobId: 1,
    outputs: {},
    get checkpoint() {
      return saved.checkpoint;
    },
    commit(write: (db: Db) => void, next: unknown) {
      if (commits++ >= dieAfter) throw new Error('killed');
      db.transaction(() => write(db))();
      saved.checkpoint = JSON.parse(JSON.stringify(next));
    },
    progress: () => undefined,
    throwIfAborted: () => undefined,
  } as unknown as Ctx;
}

describe('verify step', () => {
  it('stores the round samples and its output in one commit, so a kill and a resume never store them twice', async () => {
    const o = open(tempDir('toolsmith-verify-'), { recover: false });
    opened.push(o);
    const db = o.engine.ctx.db;
    seedPool(db);
    db.prepare("INSERT INTO jobs (id, kind, title) VALUES (1, 'evolution.run', 't')").run();
    const modelId = Number(db.prepare("INSERT INTO models (name, file) VALUES ('m', '/nowhere.gguf')").run().lastInsertRowid);
    const settings = EvolveSettings.parse({ runId: 'v', modelId, pool: POOL, execute: false });
    const round = ensureRound(db, { jobId: 1, runId: 'v', seq: 1, baseModelId: modelId, settings, templateHash: 'h' });
    const tools = [
      { name: 'get_weather', description: 'Weather.', parameters: { type: 'dict', properties: { city: { type: 'string' } } } },
    ];
    for (const city of ['Oslo', 'Lima', 'Rome']) {
      const queryId = Number(
        db.prepare("INSERT INTO queries (text, source) VALUES (?, 'generated')").run(`Weather in ${city}?`).lastInsertRowid,
      );
      insertGeneration(db, {
        roundId: round.id,
        purpose: 'tool_using',
        queryId,
        prompt: { query: `Weather in ${city}?`, tools },
        outputs: Array(3).fill(`[get_weather(city="${city}")]`),
        templateHash: 'h',
        sampling: {},
        tokens: 0,
        ms: 0,
      });
    }
    const count = () => (db.prepare('SELECT COUNT(*) AS n FROM samples WHERE round_id = ?').get(round.id) as { n: number }).n;
    const saved: { checkpoint?: unknown } = {};
    // The first run dies right after its first commit; the resumed run must find its output there.
    const first = await verifyStep(stepContext(db, settings, saved, 1), 1).catch((e: unknown) => e);
    expect(first).toMatchObject({ generated: 3 });
    expect(count()).toBe(3);
    const again = await verifyStep(stepContext(db, settings, saved), 1);
    expect(again).toEqual(first);
    expect(count()).toBe(3);
  });
});
