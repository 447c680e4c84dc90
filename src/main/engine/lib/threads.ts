/**
 * How many CPU threads generation and training use by default: chosen from the cores that are free now,
 * in one place, so that every job, command and load starts from the same number.
 *
 * ggml's worker threads spin at every barrier while they wait for the slowest one, so a thread on a core
 * that something else is using costs more than it gives: measured on 2 busy cores, 1 thread trained at
 * ~2,000 tok/s and 2 at ~230, and an Evolve job with 2 threads sat at 0 % for 20 minutes while the same
 * round with 1 finished in 38 s. Hence: never more threads than free cores, never more than physical
 * cores (a hyper-thread sibling shares the float units), and 1 when at most two cores are free.
 */
import fs from 'node:fs';
import os from 'node:os';

export interface CpuState {
  /** Logical CPUs this process may run on (os.availableParallelism). */
  logical: number;
  /** Physical cores (at most `logical`). */
  physical: number;
  /** The 1-minute load average (0 where the platform has none, e.g. Windows). */
  load1: number;
}

export interface ThreadChoice {
  generation: number;
  training: number;
  /** Cores free by the load average: logical − load, at least 0. */
  free: number;
  /** Why, in words (shown in forms and in a slow job's log). */
  reason: string;
}

/** The default threads for a machine in state `cpu`: a pure function, tested as one. */
export function chooseThreads(cpu: CpuState): ThreadChoice {
  const logical = Math.max(1, Math.floor(cpu.logical));
  const physical = Math.max(1, Math.min(logical, Math.floor(cpu.physical)));
  const load = Number.isFinite(cpu.load1) && cpu.load1 > 0 ? cpu.load1 : 0;
  const free = Math.max(0, logical - load);
  const usable = Math.floor(free);
  const n = usable <= 2 ? 1 : Math.min(usable, physical);
  const freeText = `${free.toFixed(1)} of ${logical} cores free (load ${load.toFixed(1)}), ${physical} physical`;
  const reason =
    usable <= 2
      ? `1 thread: ${freeText}; a second thread would only spin waiting for the first`
      : n === physical && usable > physical
        ? `${n} threads: one per physical core (${freeText})`
        : `${n} threads: one per free core (${freeText})`;
  return { generation: n, training: n, free: Number(free.toFixed(2)), reason };
}

/** Physical cores from /proc/cpuinfo (distinct physical id + core id); the logical count where unknown. */
export function physicalCores(logical = os.availableParallelism()): number {
  try {
    const text = fs.readFileSync('/proc/cpuinfo', 'utf8');
    const cores = new Set<string>();
    for (const block of text.split(/\n\s*\n/)) {
      const core = /^core id\s*:\s*(\d+)/m.exec(block)?.[1];
      if (core === undefined) continue;
      cores.add(`${/^physical id\s*:\s*(\d+)/m.exec(block)?.[1] ?? '0'}:${core}`);
    }
    // A container may see the host's cores in cpuinfo but run on fewer: never more than it may use.
    return cores.size > 0 ? Math.min(cores.size, logical) : logical;
  } catch {
    return logical;
  }
}

export function currentCpu(): CpuState {
  const logical = os.availableParallelism();
  return { logical, physical: physicalCores(logical), load1: os.loadavg()[0] ?? 0 };
}

/** The choice for this machine now. */
export function machineThreads(): ThreadChoice {
  return chooseThreads(currentCpu());
}
