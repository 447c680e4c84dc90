import { PassBucket } from '../../../shared/contract/curation';
import { InvocationCategory, SampleStatus, type Subtask } from '../../../shared/contract/samples';

/** What a sample can be filtered or exported by, from the contract: the Samples filters and the export dialog offer the same. */
const SUBTASK_LABELS: Record<Subtask, string> = {
  invocation: 'Invocation',
  tool_generation: 'Tool generation',
  doc_adaption: 'Doc adaption',
  refinement: 'Refinement',
};
export const SUBTASK_CHOICES = Object.entries(SUBTASK_LABELS).map(([value, label]) => ({ value, label }));
export const SUBTASKS: string[] = Object.keys(SUBTASK_LABELS);
export const STATUSES: string[] = SampleStatus.options;
export const CATEGORIES: string[] = InvocationCategory.options;
export const BUCKETS: string[] = PassBucket.options;
