import type { z } from 'zod';
import type { PlaygroundExchange, PlaygroundRequest, PlaygroundTurn, PlaygroundVerdict } from '../../../shared/contract/playground';
import { ApiError } from '../core/engine-error';
import type { EngineContext } from '../core/context';
import type { ChatMessage, GenerationBackend, ToolSpec } from '../inference/backend';
import type { LocalBackend } from '../inference/local-backend';
import { toOpenAiMessages, toOpenAiTool } from '../inference/remote-backend';
import { readGguf } from '../lib/gguf/read';
import { runInSandbox } from '../lib/sandbox';
import { openBackend } from '../models/backend-select';
import { specialTokenTexts, splitSpecial } from '../models/model-template';
import { getModel, runnableFiles } from '../models/registry';
import { modelRuntime } from '../models/runtime-service';
import { refineAdaptive } from '../refine/adaptive';
import { executeEditedVersion } from '../curation/edit-check';
import { INVOCATION_INSTRUCTION } from '../subtasks/prompts';
import type { Verdict } from '../subtasks/types';
import { looksLikeWords, parseOutput, verifyFormat, verifySchema } from '../subtasks/verify';
import { toToolSpec } from '../tools/normalize';
import type { Call, ToolDef } from '../tools/types';
import { playgroundRequests } from './requests';
import { playgroundTools } from './tools';

type Request = z.output<typeof PlaygroundRequest>;

/** The conversation as the model gets it: the system turn (the rounds' invocation instruction by default), then the turns. */
export function playgroundMessages(system: string | undefined, turns: readonly PlaygroundTurn[]): ChatMessage[] {
  return [
    { role: 'system', content: system?.trim() || INVOCATION_INSTRUCTION },
    ...turns.map((t) => ({ role: t.role, content: t.content })),
  ];
}

function isLocal(backend: GenerationBackend): backend is LocalBackend {
  return typeof (backend as Partial<LocalBackend>).renderPrompt === 'function';
}

const plainVerdict = (v: Verdict): PlaygroundVerdict => ({ verifier: v.verifier, passed: v.passed, reason: v.reason });

/**
 * The prompt as the model received it. A local model: the one chat-rendering path (`renderPrompt`, the text
 * the backend tokenizes), its special tokens marked from the GGUF's vocabulary. A remote server renders its
 * own template: what it was sent is all that can be shown.
 */
async function promptOf(
  ctx: EngineContext,
  backend: GenerationBackend,
  modelId: number | null,
  messages: ChatMessage[],
  tools: ToolSpec[],
): Promise<PlaygroundExchange['prompt']> {
  if (!isLocal(backend)) {
    const text = JSON.stringify({ messages: toOpenAiMessages(messages), tools: tools.map(toOpenAiTool) }, null, 2);
    return { text, segments: [{ text, special: false }], exact: false, tokens: null, templateHash: null, toolMode: null, callFormat: null };
  }
  const { text, tokens } = backend.renderPrompt({ messages, tools });
  let specials: string[] = [];
  if (modelId !== null) {
    const { base } = runnableFiles(ctx.db, ctx.workspace.modelsDir, modelId);
    specials = specialTokenTexts((await readGguf(base.path)).metadata);
  }
  return {
    text,
    segments: splitSpecial(text, specials),
    exact: true,
    tokens: tokens.length,
    templateHash: backend.template.hash,
    toolMode: backend.template.toolMode,
    callFormat: backend.template.callFormat,
  };
}

function modelName(ctx: EngineContext, request: Request, modelId: number | null): string {
  if (request.backend.kind === 'remote') return `${request.backend.model} @ ${request.backend.baseUrl}`;
  if (modelId !== null) return getModel(ctx.db, ctx.workspace.modelsDir, modelId).name;
  return modelRuntime(ctx).current?.model.name ?? 'the loaded model';
}

/** The sandbox's results per executable call, from the execution verdict's details. */
function toolResultsOf(verdict: Verdict | null): PlaygroundExchange['toolResults'] {
  const details = (verdict?.details ?? []) as {
    index: number;
    function: string;
    outcome: { ok: true; result?: unknown } | { ok: false; kind: string; message: string };
  }[];
  return details.map((d) => ({
    index: d.index,
    name: d.function,
    ok: d.outcome.ok,
    ...(d.outcome.ok && d.outcome.result !== undefined ? { result: d.outcome.result } : {}),
    error: d.outcome.ok ? null : `${d.outcome.kind}: ${d.outcome.message}`,
  }));
}

/** The answer read by the verifiers' parser: calls, words, or neither (with the format verifier's reason). */
function parsedOf(answer: string): { parsed: PlaygroundExchange['parsed']; format: Verdict; calls: Call[] } {
  const p = parseOutput(answer);
  const format = verifyFormat(answer);
  if (!p.ok) return { parsed: { kind: 'invalid', calls: [], reason: format.reason }, format, calls: [] };
  if (p.calls.length === 0)
    return {
      parsed: looksLikeWords(answer) ? { kind: 'words', calls: [], reason: null } : { kind: 'invalid', calls: [], reason: format.reason },
      format,
      calls: [],
    };
  return { parsed: { kind: 'calls', calls: p.calls.map((c) => ({ name: c.name, args: c.args })), reason: null }, format, calls: p.calls };
}

/**
 * One exchange: the model answers the conversation with the chosen tools (streamed as `playground.progress`),
 * the answer is parsed and verified as the rounds do (format, schema, execution in the sandbox), and the
 * refine module runs on it (the last user turn is the request it refines). Cancellable by request id.
 */
export async function runExchange(ctx: EngineContext, request: Request): Promise<PlaygroundExchange> {
  const defs: ToolDef[] = playgroundTools(ctx.db, request.toolIds);
  const tools = defs.map(toToolSpec);
  const messages = playgroundMessages(request.system, request.messages);
  const requests = playgroundRequests(ctx);
  const signal = requests.start(request.requestId);
  const progress = (stage: 'loading' | 'generating' | 'executing' | 'refining' | 'done', text = '') =>
    ctx.events.emit('playground.progress', { requestId: request.requestId, stage, text });
  const cancelled = () => new ApiError('cancelled', `The playground request "${request.requestId}" was cancelled.`);
  try {
    progress('loading');
    const opened = await openBackend(ctx, request.backend, request.threads !== undefined ? { threads: request.threads } : {});
    try {
      if (signal.aborted) throw cancelled();
      const { backend, modelId } = opened;
      const prompt = await promptOf(ctx, backend, modelId, messages, tools);
      progress('generating');
      let result;
      try {
        result = await backend.generate({
          messages,
          tools,
          k: 1,
          sampling: request.sampling,
          constrain: request.constrain,
          signal,
          onText: (_sample, text) => progress('generating', text),
        });
      } catch (error) {
        if (signal.aborted) throw cancelled();
        throw error;
      }
      const output = result.outputs[0]!;
      const answer = output.text;
      const { parsed, format, calls } = parsedOf(answer);
      const verdicts: Verdict[] = [format];
      if (calls.length > 0) verdicts.push(verifySchema(calls, defs));
      let execution: Verdict | null = null;
      if (request.execute && calls.length > 0) {
        progress('executing');
        execution = await executeEditedVersion(ctx.db, calls, runInSandbox);
        if (execution) verdicts.push(execution);
      }
      if (signal.aborted) throw cancelled();
      progress('refining');
      const query = request.messages[request.messages.length - 1]!.content;
      let trace;
      try {
        trace = await refineAdaptive(backend, query, defs, {
          firstAnswer: answer,
          maxRefinements: request.maxRefinements,
          sampling: request.sampling,
          constrain: request.constrain === 'none' ? 'none' : 'calls',
          signal,
        });
      } catch (error) {
        if (signal.aborted) throw cancelled();
        throw error;
      }
      progress('done');
      return {
        requestId: request.requestId,
        model: { id: modelId, name: modelName(ctx, request, modelId), backend: request.backend.kind },
        prompt,
        raw: output.raw ?? output.text,
        answer,
        tokens: output.tokens,
        promptTokens: result.promptTokens,
        ms: result.ms,
        finishReason: (output as { finishReason?: 'stop' | 'length' }).finishReason ?? null,
        parsed,
        verdicts: verdicts.map(plainVerdict),
        toolResults: toolResultsOf(execution),
        refinement: {
          stopReason: trace.stopReason,
          finalText: trace.finalText,
          changed: trace.changed,
          // Step 0 is the exchange's own answer (given to the refine module, not generated again): its cost is the exchange's.
          steps: trace.steps.map((s) => ({
            ...s,
            ...(s.seq === 0 ? { tokens: output.tokens + result.promptTokens, ms: result.ms } : {}),
            verdicts: s.verdicts.map(plainVerdict),
          })),
        },
        sampling: request.sampling,
      };
    } finally {
      await opened.release();
    }
  } finally {
    requests.finish(request.requestId);
  }
}
