import { z } from 'zod';
import { method } from './define';
import { CallFormat, Model, ModelRef } from './models';

/** Which prompt of a round or evaluation to show. */
export const PromptKind = z.enum(['invocation', 'refinement', 'query']);

export const PromptView = z.object({
  model: z.string(),
  /** The exact text the model receives, in pieces: `special` pieces are the vocabulary's control tokens. */
  segments: z.array(z.object({ text: z.string(), special: z.boolean() })),
  text: z.string(),
  templateHash: z.string(),
  templateSource: z.enum(['model', 'fallback']),
  /** 'native': the model's template writes the tools; 'injected': Toolsmith writes them into the system turn. */
  toolMode: z.enum(['native', 'injected']),
  callFormat: CallFormat,
  /** Whether the call format is the one detected from the template or the model's override. */
  callFormatSource: z.enum(['detected', 'override']),
  warning: z.string().nullable(),
});
export type PromptView = z.infer<typeof PromptView>;

export const templatesMethods = {
  'models.prompt': method(
    z.object({
      model: ModelRef,
      /** Tools as JSON (OpenAI, BFCL or Toolsmith shape), at most 256. */
      tools: z.array(z.unknown()).max(256).default([]),
      message: z.string().min(1).max(100_000),
      kind: PromptKind.default('invocation'),
      /** For kind 'refinement': the previous answer the model is asked to review. */
      previous: z.string().max(100_000).optional(),
    }),
    PromptView,
    "The exact prompt text a model sees for a sub-task: its chat template with the tools written in (natively or injected) and the template's decision.",
  ),
  'models.setCallFormat': method(
    z.object({ model: ModelRef, callFormat: CallFormat.nullable() }),
    Model,
    'Override how a model writes tool calls (null: back to the format detected from its template).',
  ),
} as const;
