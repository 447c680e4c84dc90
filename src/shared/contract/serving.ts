import { z } from 'zod';
import { method } from './define';
import { ModelRef } from './models';

/** A model served on an OpenAI-compatible endpoint by this engine's process. */
export const ServedModel = z.object({
  url: z.string(),
  host: z.string(),
  port: z.number().int(),
  modelId: z.number().int(),
  modelName: z.string(),
  /** 'CPU', or the GPU backend and its devices. */
  device: z.string(),
  refined: z.boolean(),
  apiKeyRequired: z.boolean(),
  /** Reachable from this machine only (a loopback address). */
  loopback: z.boolean(),
});
export type ServedModel = z.infer<typeof ServedModel>;

export const servingMethods = {
  'serving.start': method(
    z.object({
      model: ModelRef,
      host: z.string().min(1).max(255).default('127.0.0.1'),
      /** 0 = any free port. */
      port: z.number().int().min(0).max(65535).default(8080),
      /** Require "Authorization: Bearer <key>". */
      apiKey: z.string().min(1).max(1000).optional(),
      /** Refine tool calls adaptively before answering (ToolACE-R); traces are kept. */
      refine: z.boolean().default(false),
      threads: z.number().int().min(1).max(1024).optional(),
      contextSize: z
        .number()
        .int()
        .min(64)
        .max(1 << 20)
        .optional(),
      /** false: CPU only, even where a GPU is found. */
      gpu: z.boolean().default(true),
    }),
    ServedModel,
    'Serve a registered model (an adapter on its base) on an OpenAI-compatible API (/v1/models, /v1/chat/completions with tools and streaming) until serving.stop or the engine closes.',
  ),
  'serving.stop': method(
    z.object({ url: z.string().optional() }).default({}),
    z.object({ stopped: z.number().int() }),
    'Stop serving (the server at `url`, or every one this process serves).',
  ),
} as const;

export const servingEvents = {
  /** One line per request (method, path, status, ms). */
  'serving.log': z.object({ url: z.string(), line: z.string() }),
} as const;
