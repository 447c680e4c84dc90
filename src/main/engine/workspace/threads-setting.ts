/**
 * The workspace's thread setting (Settings): a fixed number of generation and/or training threads, or
 * none (null) to let `lib/threads.ts` choose from the cores free when a job starts.
 */
import { ThreadsSetting } from '../../../shared/contract/workspace';
import type { Db } from '../db/open';
import { currentCpu, chooseThreads, type CpuState } from '../lib/threads';
import { getSetting, setSetting } from './settings-repo';

export const THREADS_KEY = 'threads';

export { ThreadsSetting };

export function readThreadsSetting(db: Db): ThreadsSetting {
  const parsed = ThreadsSetting.safeParse(getSetting(db, THREADS_KEY) ?? {});
  // A value written by hand that does not fit is ignored (the engine chooses), not fatal to every job.
  return parsed.success ? parsed.data : { generation: null, training: null };
}

export function writeThreadsSetting(db: Db, value: ThreadsSetting): ThreadsSetting {
  const checked = ThreadsSetting.parse(value);
  setSetting(db, THREADS_KEY, checked);
  return checked;
}

export interface ResolvedThreads {
  generation: number;
  training: number;
  setting: ThreadsSetting;
  cpu: CpuState & { free: number };
  reason: string;
}

/** The threads a job or load uses when none is given: the workspace's setting, else the machine's choice. */
export function defaultThreads(db: Db, cpu: CpuState = currentCpu()): ResolvedThreads {
  const setting = readThreadsSetting(db);
  const auto = chooseThreads(cpu);
  const set = [setting.generation !== null ? 'generation' : '', setting.training !== null ? 'training' : ''].filter(Boolean);
  return {
    generation: setting.generation ?? auto.generation,
    training: setting.training ?? auto.training,
    setting,
    cpu: { ...cpu, free: auto.free },
    reason: set.length ? `${set.join(' and ')} threads set in Settings; otherwise ${auto.reason}` : auto.reason,
  };
}
