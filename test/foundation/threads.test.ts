/** The default thread count: one chooser, a pure function of the cores and the load; the workspace setting over it. */
import { afterEach, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { chooseThreads } from '../../src/main/engine/lib/threads';
import { describeSlowStart } from '../../src/main/engine/models/slow-start';
import { defaultThreads } from '../../src/main/engine/workspace/threads-setting';
import { createClient } from '../../src/shared/client';
import { ApiError } from '../../src/shared/contract/errors';
import { tempDir } from '../helpers/tmp';

const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
});

describe('chooseThreads', () => {
  it.each([
    // logical, physical, load → threads
    [1, 1, 0, 1],
    [2, 2, 0, 1], // two free cores: a second thread only spins
    [2, 1, 1.7, 1],
    [4, 4, 0, 4],
    [4, 4, 0.9, 3], // 3.1 free
    [4, 4, 1.5, 1], // 2.5 free
    [8, 4, 0, 4], // never more than the physical cores
    [8, 4, 5.5, 1],
    [16, 8, 10, 6],
    [16, 8, 40, 1], // overloaded: still one
    [12, 6, Number.NaN, 6], // no load average (Windows reports 0; a NaN is treated alike)
    [6, 12, 0, 6], // a cpuinfo that lists more cores than this process may use
  ])('%i logical, %i physical, load %d → %i', (logical, physical, load1, expected) => {
    const choice = chooseThreads({ logical, physical, load1 });
    expect(choice.generation).toBe(expected);
    expect(choice.training).toBe(expected);
  });

  it('says why', () => {
    expect(chooseThreads({ logical: 2, physical: 2, load1: 0.4 }).reason).toBe(
      '1 thread: 1.6 of 2 cores free (load 0.4), 2 physical; a second thread would only spin waiting for the first',
    );
    expect(chooseThreads({ logical: 16, physical: 8, load1: 0 }).reason).toMatch(/^8 threads: one per physical core/);
    expect(chooseThreads({ logical: 8, physical: 8, load1: 3 }).reason).toMatch(/^5 threads: one per free core \(5\.0 of 8 cores free/);
  });
});

describe('the slow-start line', () => {
  it('names the threads, the free cores and the model, and what to change', () => {
    const line = describeSlowStart({
      threads: 2,
      cpu: { logical: 2, physical: 2, load1: 1.8 },
      model: { name: 'smollm2', sizeBytes: 270_000_000, parameters: 135_000_000 },
    });
    expect(line).toContain('generating with 2 thread(s) on 0.2 free of 2 cores (load 1.8, 2 physical)');
    expect(line).toContain('model smollm2');
    expect(line).toContain('135 M parameters');
    expect(line).toContain('try 1 (Settings, or --threads)');
    expect(describeSlowStart({ threads: 1, cpu: { logical: 8, physical: 8, load1: 0 }, model: null })).not.toContain('try');
    expect(
      describeSlowStart({ threads: undefined, cpu: { logical: 8, physical: 8, load1: 0 }, model: null, remote: 'http://x/v1' }),
    ).toContain('server http://x/v1');
  });
});

describe('the workspace thread setting', () => {
  it('overrides the machine’s choice per use, is refused out of range, and reaches the jobs’ defaults', async () => {
    const engine = openEngine(tempDir());
    engines.push(engine);
    const client = createClient(engine);
    const auto = await client.call('workspace.threads');
    expect(auto.setting).toEqual({ generation: null, training: null });
    expect(auto.generation).toBeGreaterThanOrEqual(1);
    expect(auto.generation).toBeLessThanOrEqual(auto.cpu.physical);

    const set = await client.call('workspace.setThreads', { generation: 3, training: null });
    expect(set.generation).toBe(3);
    expect(set.training).toBe(auto.training);
    expect(set.reason).toMatch(/^generation threads set in Settings/);
    expect(defaultThreads(engine.ctx.db).generation).toBe(3);

    await expect(client.call('workspace.setThreads', { generation: 0, training: null })).rejects.toBeInstanceOf(ApiError);
    const raw = await client.call('settings.set', { key: 'threads', value: { generation: 'many' } }).catch((e: ApiError) => e);
    expect((raw as ApiError).message).toMatch(/settings\.threads: value\.generation/);
    expect((await client.call('workspace.threads')).generation).toBe(3);
  });
});
