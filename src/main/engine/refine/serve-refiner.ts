import type { EngineContext } from '../core/context';
import type { GenerateResult, ServeRefiner } from '../inference/backend';
import { normalizeTools } from '../tools/normalize';
import { refineAdaptive } from './adaptive';
import { insertTrace } from './traces-repo';

/**
 * Adaptive self-refinement for `serve-model --refine`: the served first answer is refined until two
 * consecutive canonical answers agree (or the cap), the trace is stored in the workspace, and the client
 * gets the final answer.
 */
export function createServeRefiner(ctx: EngineContext, options: { maxRefinements?: number; modelId?: number | null } = {}): ServeRefiner {
  return {
    async refine({ request, first, backend }): Promise<GenerateResult> {
      const query = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
      const tools = normalizeTools(request.tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters })));
      const trace = await refineAdaptive(backend, query, tools, {
        firstAnswer: first.outputs[0]?.text ?? '',
        maxRefinements: options.maxRefinements ?? 3,
        sampling: request.sampling,
        constrain: request.constrain === 'calls' ? 'calls' : 'none',
        signal: request.signal,
      });
      trace.steps[0]!.tokens = (first.outputs[0]?.tokens ?? 0) + first.promptTokens;
      trace.steps[0]!.ms = first.ms;
      insertTrace(
        ctx.db,
        { ...trace, totalTokens: trace.totalTokens + trace.steps[0]!.tokens, totalMs: trace.totalMs + first.ms },
        { modelId: options.modelId ?? null },
      );
      return {
        outputs: [{ text: trace.finalText, tokens: trace.steps.at(-1)!.tokens }],
        promptTokens: first.promptTokens,
        ms: first.ms + trace.totalMs,
        templateHash: first.templateHash,
      };
    },
  };
}
