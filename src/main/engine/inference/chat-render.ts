import { createHash } from 'node:crypto';
import { Template } from '@huggingface/jinja';
import type { ChatMessage, ToolSpec } from './backend';
import { callInstruction, detectCallFormat, fromCanonicalText, pyJson, type CallFormat } from './call-formats';
import { renderTemplateGuarded } from './template-guard';

/**
 * The one rendering path from (tools, conversation) to a model's text: the model's own Jinja chat template
 * (`tokenizer.chat_template` in its GGUF), rendered with @huggingface/jinja — the renderer node-llama-cpp's
 * JinjaTemplateChatWrapper uses — or, for a model without a template, FALLBACK_CHAT_TEMPLATE. The same
 * rendering builds prompts for generation, training examples (with the assistant spans to learn) and
 * evaluation, so training and serving never disagree. Every rendering carries the template's hash.
 *
 * Template variables: `messages` ({role, content}), `tools` (OpenAI shape: {type: 'function', function:
 * {name, description, parameters}}), `add_generation_prompt`, `bos_token`, `eos_token`, and a fixed
 * `date_string` (01 Jan 2025). (`strftime_now` is the renderer's built-in: templates that print today's date
 * render differently from day to day.)
 *
 * Tools reach the model whatever its template: one decision per template (`toolMode`, part of its hash) —
 * a template that renders `tools` (Qwen2.5, Llama 3.1+, Hermes, Mistral) is used as it is; one that ignores
 * them (found by rendering a probe tool: SmolLM2's ChatML template, for one) gets a tool section in its
 * system turn (`toolSection`), the way node-llama-cpp adds function docs to chat wrappers without native
 * support. Assistant turns that hold canonical calls are printed in the model's call format (`callFormat`).
 */

/**
 * For models without a chat template: ChatML turns (<|im_start|>role … <|im_end|>), tools listed as JSON
 * lines in a "# Tools" section of the system turn. Models without ChatML special tokens see the markers as
 * plain text, which is still unambiguous.
 */
export const FALLBACK_CHAT_TEMPLATE = [
  "{%- set has_system = messages and messages[0].role == 'system' %}",
  '{%- if tools or has_system %}',
  "{{- '<|im_start|>system\\n' }}",
  "{%- if has_system %}{{- messages[0].content }}{%- if tools %}{{- '\\n\\n' }}{%- endif %}{%- endif %}",
  '{%- if tools %}{{- \'# Tools\\n\\nYou may call these functions. Answer with a list of calls such as [f(a=1, b="x")].\' }}',
  "{%- for tool in tools %}{{- '\\n' }}{{- tool.function | tojson }}{%- endfor %}{%- endif %}",
  "{{- '<|im_end|>\\n' }}",
  '{%- endif %}',
  '{%- for message in messages %}',
  "{%- if not (loop.first and message.role == 'system') %}{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}{%- endif %}",
  '{%- endfor %}',
  "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}",
].join('');

/** Bumped whenever rendering changes in a way that changes text (part of every template hash). */
const RENDERER_VERSION = 'toolsmith-chat-render/2 @huggingface/jinja';

export type ToolMode = 'native' | 'injected';

export interface ChatTemplate {
  source: 'model' | 'fallback';
  template: string;
  bosToken: string;
  eosToken: string;
  /** 'native': the template renders `tools`; 'injected': Toolsmith writes them into the system turn. */
  toolMode: ToolMode;
  /** How this model writes calls (detected from the template unless overridden). */
  callFormat: CallFormat;
  /** Why the tools are injected although the template mentions them (it failed to render with tools). */
  warning?: string;
  /** sha256 (hex, 16 chars) of the template, special tokens, tool mode, call format and renderer version. */
  hash: string;
}

export interface ChatTemplateSource {
  chatTemplate?: string | null;
  bosToken?: string | null;
  eosToken?: string | null;
  /** Overrides the call format detected from the template. */
  callFormat?: CallFormat | null;
  /** Named in a warning when the template fails to render with tools. */
  modelName?: string | null;
}

/** The template to use for a model: its own when it has one, else the documented fallback. */
export function resolveChatTemplate(source: ChatTemplateSource): ChatTemplate {
  const own = source.chatTemplate?.trim() ? source.chatTemplate : undefined;
  const template = own ?? FALLBACK_CHAT_TEMPLATE;
  const bosToken = source.bosToken ?? '';
  const eosToken = source.eosToken ?? '';
  const callFormat = source.callFormat ?? detectCallFormat(own);
  const probe = own ? probeToolRendering(template, bosToken, eosToken) : { mode: 'native' as const };
  const base = templateHash(template, bosToken, eosToken);
  const warning = probe.error
    ? `The chat template of ${source.modelName ? `model "${source.modelName}"` : 'this model'} (hash ${base}) fails to render with tools ` +
      `(${probe.error}); Toolsmith writes the tools into the system turn instead`
    : undefined;
  return {
    source: own ? 'model' : 'fallback',
    template,
    bosToken,
    eosToken,
    toolMode: probe.mode,
    callFormat,
    ...(warning ? { warning } : {}),
    hash: templateHash(template, bosToken, eosToken, probe.mode, callFormat),
  };
}

const PROBE_TOOL = {
  type: 'function',
  function: {
    name: 'toolsmith_probe_7f3a',
    description: 'Probe',
    parameters: { type: 'object', properties: { probe_arg_7f3a: { type: 'string' } }, required: [] },
  },
};

const probes = new Map<string, { mode: ToolMode; error?: string; refused?: string }>();

/**
 * Does the template print the tools it is given? Rendered once with a probe tool (cached per template), in a
 * worker with time, memory and output limits (`template-guard.ts`): the template comes from a model file.
 * A template that overruns them is refused (`ChatRenderError`), not rendered in this thread.
 */
function probeToolRendering(template: string, bosToken: string, eosToken: string): { mode: ToolMode; error?: string } {
  const key = JSON.stringify([template, bosToken, eosToken]);
  let found = probes.get(key);
  if (!found) {
    const rendered = renderTemplateGuarded(template, {
      messages: [
        { role: 'system', content: 'S' },
        { role: 'user', content: 'U' },
      ],
      tools: [PROBE_TOOL],
      add_generation_prompt: true,
      bos_token: bosToken,
      eos_token: eosToken,
      date_string: '01 Jan 2025',
    });
    if (rendered.ok) found = { mode: rendered.text.includes(PROBE_TOOL.function.name) ? 'native' : 'injected' };
    else if (rendered.unsafe) found = { mode: 'injected', refused: `The model's chat template is refused: ${rendered.error}.` };
    else found = { mode: 'injected', error: rendered.error };
    if (probes.size > 64) probes.clear();
    probes.set(key, found);
  }
  if (found.refused) throw new ChatRenderError(found.refused);
  return found;
}

/**
 * The section Toolsmith writes into the system turn of a template that ignores `tools`: the tools as JSON
 * lines, what a call looks like in the model's format, and that an answer in words is right when no tool fits.
 */
export function toolSection(tools: readonly ToolSpec[], format: CallFormat): string {
  const lines = tools.map((t) => pyJson({ name: t.name, description: t.description, parameters: t.parameters }));
  return [
    '# Tools',
    '',
    'You can call these functions:',
    ...lines,
    '',
    `${callInstruction(format)} When no function fits the request, answer in words and call none.`,
  ].join('\n');
}

/** Reads a model's chat template and BOS/EOS token texts from its GGUF metadata. */
export function chatTemplateFromMetadata(metadata: Record<string, unknown>, callFormat?: CallFormat | null): ChatTemplate {
  const tokens = metadata['tokenizer.ggml.tokens'];
  const tokenText = (key: string): string | undefined => {
    const id = metadata[key];
    return Array.isArray(tokens) && typeof id === 'number' && typeof tokens[id] === 'string' ? (tokens[id] as string) : undefined;
  };
  const chat = metadata['tokenizer.chat_template'];
  return resolveChatTemplate({
    chatTemplate: typeof chat === 'string' ? chat : undefined,
    bosToken: tokenText('tokenizer.ggml.bos_token_id'),
    eosToken: tokenText('tokenizer.ggml.eos_token_id'),
    callFormat,
    modelName: typeof metadata['general.name'] === 'string' ? metadata['general.name'] : undefined,
  });
}

export function templateHash(
  template: string,
  bosToken: string,
  eosToken: string,
  toolMode: ToolMode = 'native',
  callFormat: CallFormat = 'python',
): string {
  return createHash('sha256')
    .update(JSON.stringify([RENDERER_VERSION, template, bosToken, eosToken, toolMode, callFormat]))
    .digest('hex')
    .slice(0, 16);
}

const compiled = new Map<string, Template>();

function compile(template: string): Template {
  let t = compiled.get(template);
  if (!t) {
    t = new Template(template);
    if (compiled.size > 32) compiled.clear();
    compiled.set(template, t);
  }
  return t;
}

export class ChatRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChatRenderError';
  }
}

export interface RenderInput {
  messages: readonly ChatMessage[];
  tools?: readonly ToolSpec[];
  /** End with the opening of an assistant turn (default true). */
  addGenerationPrompt?: boolean;
}

function toolsForTemplate(tools: readonly ToolSpec[] | undefined) {
  if (!tools || tools.length === 0) return undefined;
  return tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
}

/**
 * What the template receives: assistant calls in the model's format, and the tools either as the template's
 * `tools` variable or, for a template that ignores them, as a section of the system turn.
 */
function prepare(template: ChatTemplate, input: RenderInput) {
  const messages = input.messages.map((m) => ({
    role: m.role,
    content: m.role === 'assistant' ? fromCanonicalText(template.callFormat, m.content) : m.content,
  }));
  if (template.toolMode === 'native' || !input.tools || input.tools.length === 0) return { messages, tools: toolsForTemplate(input.tools) };
  const section = toolSection(input.tools, template.callFormat);
  if (messages[0]?.role === 'system') messages[0] = { role: 'system', content: `${messages[0].content}\n\n${section}` };
  else messages.unshift({ role: 'system', content: section });
  return { messages, tools: undefined };
}

/** Renders (tools, messages) through the template. */
export function renderChat(template: ChatTemplate, input: RenderInput): string {
  let t: Template;
  try {
    t = compile(template.template);
  } catch (error) {
    throw new ChatRenderError(
      `The ${template.source === 'model' ? "model's" : 'fallback'} chat template cannot be parsed: ${(error as Error).message}`,
    );
  }
  const { messages, tools } = prepare(template, input);
  try {
    return t.render({
      messages,
      tools,
      add_generation_prompt: input.addGenerationPrompt ?? true,
      bos_token: template.bosToken,
      eos_token: template.eosToken,
      date_string: '01 Jan 2025',
    });
  } catch (error) {
    throw new ChatRenderError(
      `Rendering the ${template.source === 'model' ? "model's" : 'fallback'} chat template failed: ${(error as Error).message}`,
    );
  }
}

export interface Span {
  /** Character offsets into the rendered text, end exclusive. */
  start: number;
  end: number;
}

export interface TrainingExample {
  text: string;
  /** The assistant turns: what the model must learn to produce, including each turn's end marker. */
  spans: Span[];
  templateHash: string;
}

/**
 * Renders a whole conversation for training and finds each assistant turn: the text an assistant turn adds
 * after the prompt that precedes it (`render(messages[..i], generation prompt)`), through its end-of-turn
 * marker (trailing whitespace left out). Fails clearly when the template renders a prefix differently from
 * the whole (then spans cannot be trusted).
 */
export function renderTrainingExample(
  template: ChatTemplate,
  input: { messages: readonly ChatMessage[]; tools?: readonly ToolSpec[] },
): TrainingExample {
  const { messages, tools } = input;
  const text = renderChat(template, { messages, tools, addGenerationPrompt: false });
  const spans: Span[] = [];
  messages.forEach((m, i) => {
    if (m.role !== 'assistant') return;
    const prompt = renderChat(template, { messages: messages.slice(0, i), tools, addGenerationPrompt: true });
    const upTo = renderChat(template, { messages: messages.slice(0, i + 1), tools, addGenerationPrompt: false });
    if (!text.startsWith(upTo) || !upTo.startsWith(prompt)) {
      throw new ChatRenderError(
        `The chat template renders message ${i} (assistant) differently depending on what follows it, so its span cannot be found`,
      );
    }
    let end = upTo.length;
    while (end > prompt.length && /\s/.test(upTo[end - 1]!)) end--;
    spans.push({ start: prompt.length, end });
  });
  return { text, spans, templateHash: template.hash };
}

export interface TokenizedExample {
  tokens: number[];
  /** learn[i]: tokens[i] is part of an assistant span (a training label). */
  learn: boolean[];
}

/**
 * Tokenizes a rendered example segment by segment (text outside spans, then each span), so each token is
 * wholly inside or outside a span. `tokenize` must parse special tokens (e.g. `model.tokenize(text, true)`);
 * `bos` is prepended when given and the text does not already start with it.
 */
export function tokenizeExample(example: TrainingExample, tokenize: (text: string) => readonly number[], bos?: number): TokenizedExample {
  const tokens: number[] = [];
  const learn: boolean[] = [];
  let at = 0;
  const push = (from: number, to: number, isSpan: boolean) => {
    if (to <= from) return;
    for (const t of tokenize(example.text.slice(from, to))) {
      tokens.push(t);
      learn.push(isSpan);
    }
  };
  for (const span of example.spans) {
    push(at, span.start, false);
    push(span.start, span.end, true);
    at = span.end;
  }
  push(at, example.text.length, false);
  if (bos !== undefined && tokens[0] !== bos) {
    tokens.unshift(bos);
    learn.unshift(false);
  }
  return { tokens, learn };
}
