/**
 * The line a model job writes when its first item takes over a minute (jobs/runner.ts `slowStartHint`):
 * what the speed of generation depends on here, so that a user can tell a busy machine from a big model.
 */
import type { EngineContext } from '../core/context';
import { currentCpu, chooseThreads, type CpuState } from '../lib/threads';
import { formatBytes } from '../../../shared/format';
import { findModel } from './registry';

export interface HintFacts {
  threads: number | undefined;
  cpu: CpuState;
  model: { name: string; sizeBytes: number | null; parameters: number | null } | null;
  remote?: string;
}

/** The hint as text, from plain facts (tested as a pure function). */
export function describeSlowStart(f: HintFacts): string {
  if (f.remote) return `generating on the server ${f.remote}: it answers slowly or is busy`;
  const choice = chooseThreads(f.cpu);
  const model = f.model
    ? `model ${f.model.name}${f.model.sizeBytes !== null ? `, ${formatBytes(f.model.sizeBytes)}` : ''}${f.model.parameters ? `, ${(f.model.parameters / 1e6).toFixed(0)} M parameters` : ''}`
    : 'model unknown';
  const threads = f.threads ?? choice.generation;
  const free = Math.floor(choice.free);
  const advice =
    threads > Math.max(1, free)
      ? `: more threads than free cores spin while they wait; try ${choice.generation} (Settings, or --threads)`
      : f.model?.sizeBytes && f.model.sizeBytes > 2e9
        ? ': a model this size is slow on a CPU; a smaller one or a GPU goes faster'
        : '';
  return `generating with ${threads} thread(s) on ${choice.free.toFixed(1)} free of ${f.cpu.logical} cores (load ${f.cpu.load1.toFixed(1)}, ${f.cpu.physical} physical); ${model}${advice}`;
}

export function generationHint(
  engine: EngineContext,
  modelRef: number | string | null,
  threads: number | undefined,
  remote?: string,
): string {
  const m = modelRef !== null ? findModel(engine.db, engine.workspace.modelsDir, modelRef) : undefined;
  return describeSlowStart({
    threads,
    cpu: currentCpu(),
    model: m ? { name: m.name, sizeBytes: m.sizeBytes, parameters: m.parameters } : null,
    ...(remote ? { remote } : {}),
  });
}
