/**
 * The round metrics (`round_metrics` rows) as people read them: a label, a unit and how to print a value.
 * The Rounds view's Metrics table and the exported model card use these, so both say "Accuracy 33.3 %",
 * never "accuracy 33.3333" or a fraction printed as a percent.
 */

export type MetricUnit = 'points' | 'count' | 'seconds' | 'loss' | 'tokens' | 'flag';

export interface MetricInfo {
  label: string;
  unit: MetricUnit;
  /** One line saying what it measures. */
  help?: string;
}

export const METRIC_INFO: Record<string, MetricInfo> = {
  accuracy: { label: 'Accuracy', unit: 'points', help: 'share of held-out items answered correctly' },
  correct: { label: 'Correct items', unit: 'count' },
  items: { label: 'Items evaluated', unit: 'count' },
  main_metric: { label: 'Main metric (decides accept)', unit: 'points', help: 'accuracy on the main held-out set' },
  accepted: { label: 'Accepted', unit: 'flag' },
  candidates: { label: 'Candidates scored (pass@k)', unit: 'count' },
  samples_generated: { label: 'Samples generated', unit: 'count' },
  samples_verified: { label: 'Samples verified', unit: 'count' },
  samples_selected: { label: 'Samples selected', unit: 'count' },
  new_selected: { label: 'Newly selected', unit: 'count', help: 'selected for the first time in this run' },
  mastered: { label: 'Mastered (pass@k)', unit: 'count' },
  learnable: { label: 'Learnable (pass@k)', unit: 'count' },
  unreachable: { label: 'Unreachable (pass@k)', unit: 'count' },
  topped_up: {
    label: 'Topped up to the minimum set',
    unit: 'count',
    help: 'unreachable or mastered samples added because fewer than the minimum training set were selected',
  },
  mix: { label: 'Training examples', unit: 'count' },
  heldout_overlap_refused: { label: 'Refused: equal to a held-out query', unit: 'count' },
  queries_new: { label: 'Queries written', unit: 'count' },
  queries_labelled: { label: 'Queries labelled', unit: 'count' },
  queries_dropped: { label: 'Queries dropped', unit: 'count' },
  train_loss_first: { label: 'Training loss, first step', unit: 'loss' },
  train_loss_final: { label: 'Training loss, last step', unit: 'loss' },
  train_steps: { label: 'Training steps', unit: 'count' },
  train_seconds: { label: 'Training time', unit: 'seconds' },
  wall_seconds: { label: 'Round time', unit: 'seconds' },
  eval_tokens: { label: 'Evaluation tokens', unit: 'tokens' },
  refinement_steps: { label: 'Refinement steps', unit: 'count' },
};

const SUBTASK_LABELS: Record<string, string> = {
  invocation: 'tool invocation',
  tool_generation: 'tool generation',
  doc_adaption: 'doc adaption',
  refinement: 'self-refinement',
};

/** A metric's label; unknown names are shown with spaces for underscores, capitalised. */
export function metricLabel(name: string): string {
  const known = METRIC_INFO[name]?.label;
  if (known) return known;
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** What a metric's category means: "all", a set, "set / category", or a sub-task of the mix. */
export function metricScope(name: string, category: string): string {
  if (category === '') return 'all';
  if (name === 'mix') return SUBTASK_LABELS[category] ?? category;
  return category.replace('/', ' / ');
}

/** "33.3 %", "12", "4.1 s", "5.87", "2,759 tokens", "yes". Accuracy metrics are stored in points (0–100). */
export function formatMetric(name: string, value: number): string {
  const unit = METRIC_INFO[name]?.unit;
  switch (unit) {
    case 'points':
      return `${value.toFixed(1)} %`;
    case 'count':
      return Math.round(value).toLocaleString('en-US');
    case 'tokens':
      return `${Math.round(value).toLocaleString('en-US')} tokens`;
    case 'seconds':
      return value < 60 ? `${value.toFixed(1)} s` : `${Math.floor(value / 60)} min ${Math.round(value % 60)} s`;
    case 'loss':
      return value.toFixed(3);
    case 'flag':
      return value ? 'yes' : 'no';
    default:
      return Number.isInteger(value) ? String(value) : value.toFixed(4);
  }
}
