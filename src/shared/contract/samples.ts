import { z } from 'zod';

/** The four ToolACE-DEV sub-tasks a sample belongs to (see docs/method). */
export const Subtask = z.enum(['doc_adaption', 'tool_generation', 'invocation', 'refinement']);
export type Subtask = z.infer<typeof Subtask>;

export const SampleStatus = z.enum(['candidate', 'accepted', 'rejected', 'edited']);
export type SampleStatus = z.infer<typeof SampleStatus>;

/** BFCL's categories, which every invocation sample carries. */
export const InvocationCategory = z.enum(['simple', 'multiple', 'parallel', 'parallel_multiple', 'irrelevance']);
export type InvocationCategory = z.infer<typeof InvocationCategory>;

/** A selection of samples: every field narrows it; an empty filter is every sample. */
export const SampleFilter = z.object({
  subtask: Subtask.optional(),
  status: z.array(SampleStatus).min(1).optional(),
  /** Round ids; `null` in the list selects samples that belong to no round (imports, seeds). */
  round: z.array(z.number().int().nullable()).min(1).optional(),
  category: z.array(z.string().min(1)).min(1).optional(),
  ids: z.array(z.number().int().positive()).min(1).optional(),
  /** Samples carrying this tag (by name). */
  tag: z.string().min(1).optional(),
});
export type SampleFilter = z.infer<typeof SampleFilter>;
