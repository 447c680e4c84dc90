import type { Output } from '../../../../shared/contract';
import type { SampleFilter, SampleStatus } from '../../../../shared/contract/samples';

/** Round ids travel as strings in the select; `none` stands for samples from no round (imports, seeds). */
export const NO_ROUND = 'none';

/** What the export dialog's filter fields hold. */
export interface ExportChoice {
  status: string[];
  subtask: string | null;
  rounds: string[];
  category: string[];
  tag: string;
}

export const DEFAULT_EXPORT_CHOICE: ExportChoice = {
  status: ['accepted', 'edited'],
  subtask: 'invocation',
  rounds: [],
  category: [],
  tag: '',
};

/** The samples filter the export is asked for: only what was chosen. */
export function exportFilterOf(choice: ExportChoice): SampleFilter {
  const filter: SampleFilter = {};
  if (choice.subtask) filter.subtask = choice.subtask as SampleFilter['subtask'];
  if (choice.status.length) filter.status = choice.status as SampleStatus[];
  if (choice.rounds.length) filter.round = choice.rounds.map((r) => (r === NO_ROUND ? null : Number(r)));
  if (choice.category.length) filter.category = choice.category;
  if (choice.tag.trim()) filter.tag = choice.tag.trim();
  return filter;
}

/** Every round that holds samples (of any sub-task) once, and "no round" when imports or seeds are there. */
export function roundOptionsOf(stats: Output<'datasets.stats'> | undefined): { value: string; label: string }[] {
  const rounds = (stats?.subtasks ?? [])
    .flatMap((s) => s.byRound)
    .map(
      (r) => [r.roundId === null ? NO_ROUND : String(r.roundId), r.seq === null ? 'no round (imports, seeds)' : `round ${r.seq}`] as const,
    );
  return [...new Map(rounds)].map(([value, label]) => ({ value, label }));
}
