import type { Input } from '../../../../shared/contract';

/**
 * What the form starts from: method.md's defaults unless a caller (the first-run guide) gives smaller
 * budgets. `extra` settings have no field here; they are sent as given and recorded with each round.
 */
export interface EvolvePreset {
  modelId?: number;
  rounds?: number;
  k?: number;
  importsPerRound?: number;
  generatedPerRound?: number;
  evalLimit?: number;
  extra?: Partial<Input<'evolution.start'>>;
}

export type Trainer = 'native' | 'python' | 'command';
export type AcceptRule = 'tolerance' | 'significant';

/** What the Evolve form holds. */
export interface EvolveForm {
  modelId: string | null;
  pool: string;
  backend: Trainer;
  rounds: number;
  k: number;
  imports: number;
  generated: number;
  evalLimit: number;
  /** Empty: the engine chooses from the cores free when the job starts (or the workspace's setting). */
  threads: number | '';
  trainThreads: number | '';
  mix: { invocation: number; toolGeneration: number; docAdaption: number };
  targeted: boolean;
  waitForCuration: boolean;
  acceptRule: AcceptRule;
}

export function formFromPreset(preset: EvolvePreset): EvolveForm {
  return {
    modelId: preset.modelId !== undefined ? String(preset.modelId) : null,
    pool: 'builtin',
    backend: 'native',
    rounds: preset.rounds ?? 3,
    k: preset.k ?? 8,
    imports: preset.importsPerRound ?? 48,
    generated: preset.generatedPerRound ?? 16,
    evalLimit: preset.evalLimit ?? 0,
    threads: '',
    trainThreads: '',
    mix: { invocation: 0.6, toolGeneration: 0.2, docAdaption: 0.2 },
    targeted: true,
    waitForCuration: false,
    acceptRule: 'tolerance',
  };
}

/** The `evolution.start` request: the preset's extra settings, then the form's (training threads merged into `train`). */
export function startInputOf(form: EvolveForm, preset: EvolvePreset): Input<'evolution.start'> {
  const extra = preset.extra ?? {};
  const { threads, trainThreads } = form;
  return {
    ...extra,
    modelId: Number(form.modelId),
    pool: form.pool,
    backend: form.backend,
    rounds: form.rounds,
    k: form.k,
    importsPerRound: form.imports,
    generatedPerRound: form.generated,
    mix: form.mix,
    targeted: form.targeted,
    curation: form.waitForCuration ? 'wait' : 'auto',
    acceptRule: form.acceptRule,
    evalLimit: form.evalLimit,
    ...(threads !== '' ? { threads } : {}),
    ...(trainThreads !== '' || extra.train ? { train: { ...extra.train, ...(trainThreads !== '' ? { threads: trainThreads } : {}) } } : {}),
  };
}
