import type http from 'node:http';
import { textToCalls } from '../inference/call-text';
import { readCalls } from '../inference/call-formats';

/**
 * The SSE side of `serve-model` (`stream: true`): OpenAI `chat.completion.chunk` events written while the
 * model generates.
 *
 * - Text answers (no tools, or `tool_choice: "none"`, or JSON mode): each piece of text is sent as a
 *   `delta.content` chunk the moment the backend produces it (the backend holds back what may be the start
 *   of a stop sequence).
 * - Tool-call answers (`tool_choice` "required" or a named function: the output is constrained to a call
 *   list in the model's call format): call syntax is never sent as content. Each call goes out as one
 *   `delta.tool_calls` entry (id, name and its complete JSON arguments) as soon as it closes — its closing
 *   parenthesis in the Python list `[f(a=1), g(b="x")]`, its `</tool_call>` in Hermes blocks, its closing
 *   brace in Llama 3 JSON objects — so a list of several calls streams call by call. When the finished text is
 *   not a call list after all (cut by `max_tokens` before the first call closed), it is sent as content at
 *   the end, as the non-streaming answer has it.
 * - `tool_choice: "auto"` (mode 'auto'): the first character the model writes tells a call list (`[`, `<`,
 *   `{`) from an answer in words; the answer then streams as one of the two above.
 * - The final chunk of each choice carries `finish_reason`, then (with `stream_options.include_usage`) a
 *   usage chunk, then `data: [DONE]`.
 *
 * What is streamed joins up to the non-streaming answer: the same content, the same calls with the same ids.
 */

/** A finished OpenAI chat completion (what the non-streaming answer is, and what a stream ends by sending). */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  system_fingerprint: string;
  choices: {
    index: number;
    message: {
      role: 'assistant';
      content: string | null;
      tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
    };
    finish_reason: 'stop' | 'length' | 'tool_calls';
  }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

interface ChoiceState {
  /** All text generated so far. */
  text: string;
  /** Content already sent (text answers). */
  sentContent: string;
  /** Calls already sent (tool-call answers). */
  sentCalls: number;
  /** Known once the answer's first character is (before that, in mode 'auto', nothing is sent). */
  mode: 'calls' | 'text' | 'held' | null;
  scan: CallScan | null;
}

/**
 * Where the calls of a partial call list end: the index after each top-level call's closing parenthesis
 * (`python`), closing brace (`json`: Llama 3 objects) or `</tool_call>` tag (`hermes`).
 */
export class CallScan {
  constructor(private readonly format: 'python' | 'json' | 'hermes' = 'python') {}
  private depth = 0;
  private quote: string | null = null;
  private escaped = false;
  private scanned = 0;
  /** Index just after the last call that closed (0: none yet). */
  lastClosedEnd = 0;

  /** Scans what was appended to `text` since the last call. */
  feed(text: string): void {
    if (this.format === 'hermes') {
      const tag = '</tool_call>';
      const at = text.lastIndexOf(tag);
      if (at >= 0) this.lastClosedEnd = at + tag.length;
      this.scanned = text.length;
      return;
    }
    for (let i = this.scanned; i < text.length; i++) {
      const ch = text[i]!;
      if (this.quote) {
        if (this.escaped) this.escaped = false;
        else if (ch === '\\') this.escaped = true;
        else if (ch === this.quote) this.quote = null;
        continue;
      }
      if (ch === '"' || ch === "'") this.quote = ch;
      else if (ch === '[' || ch === '(' || ch === '{') this.depth++;
      else if (ch === ']' || ch === ')' || ch === '}') {
        this.depth--;
        // Depth 1 is inside the list: a parenthesis closing back to it ends a call; a JSON call is a
        // top-level object.
        if (this.format === 'python' ? ch === ')' && this.depth === 1 : ch === '}' && this.depth === 0) this.lastClosedEnd = i + 1;
      }
    }
    this.scanned = text.length;
  }
}

export class CompletionStream {
  private readonly choices = new Map<number, ChoiceState>();
  private readonly base: Record<string, unknown>;

  constructor(
    private readonly res: http.ServerResponse,
    private readonly meta: { id: string; created: number; model: string },
    private readonly mode: 'calls' | 'text' | 'auto',
    private readonly choiceCount: number,
  ) {
    this.base = {
      id: meta.id,
      object: 'chat.completion.chunk',
      created: meta.created,
      model: meta.model,
      // The template hash is known once generation ends: null until the final chunks.
      system_fingerprint: null,
    };
  }

  /** The event-stream headers, a comment (the connection is alive) and each choice's role chunk. */
  open(): void {
    this.res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    this.res.write(': generating\n\n');
    for (let index = 0; index < this.choiceCount; index++) this.delta(index, { role: 'assistant', content: '' });
  }

  private state(index: number): ChoiceState {
    let s = this.choices.get(index);
    if (!s) {
      s = { text: '', sentContent: '', sentCalls: 0, mode: this.mode === 'auto' ? null : this.mode, scan: null };
      this.choices.set(index, s);
    }
    return s;
  }

  private send(chunk: Record<string, unknown>): boolean {
    if (this.res.destroyed || this.res.writableEnded) return true;
    return this.res.write(`data: ${JSON.stringify({ ...this.base, ...chunk })}\n\n`);
  }

  private delta(index: number, delta: Record<string, unknown>, finish: string | null = null): boolean {
    return this.send({ choices: [{ index, delta, finish_reason: finish }] });
  }

  private callDelta(index: number, calls: { name: string; args: unknown }[], from: number): boolean {
    return this.delta(index, {
      tool_calls: calls.slice(from).map((call, k) => ({
        index: from + k,
        id: callId(this.meta.id, index, from + k),
        type: 'function',
        function: { name: call.name, arguments: JSON.stringify(call.args) },
      })),
    });
  }

  /**
   * A new piece of choice `index`'s text. Resolves at once, or when the client has taken what was written
   * (back-pressure: a slow reader slows generation instead of filling memory) or has gone.
   */
  text(index: number, piece: string): Promise<void> | void {
    const s = this.state(index);
    s.text += piece;
    let flowing = true;
    if (s.mode === null) {
      const start = s.text.trimStart();
      const first = start[0];
      if (first === undefined) return;
      if (first === '[' || first === '{' || first === '<') s.mode = 'calls';
      else {
        // A name then "(" may be a call written without brackets (the backend reads it as calls): such an
        // answer is held to the end, where the finished choice says which it was.
        const name = /^[A-Za-z_][\w.]*/.exec(start)?.[0] ?? '';
        if (name.length === start.length) return; // still only a name: undecided
        if (start[name.length] === '(') {
          s.mode = 'held';
          return;
        }
        s.mode = 'text';
      }
      piece = s.text; // what was held back while undecided
    }
    if (s.mode === 'held') return;
    if (s.mode === 'text') {
      s.sentContent += piece;
      flowing = this.delta(index, { content: piece });
    } else {
      // The model's own call format: the backend streams what the model writes.
      const head = s.text.trimStart()[0];
      if (head === undefined) return;
      s.scan ??= new CallScan(head === '<' ? 'hermes' : head === '{' ? 'json' : 'python');
      s.scan.feed(s.text);
      if (s.scan.lastClosedEnd > 0) {
        const closed = s.text.slice(0, s.scan.lastClosedEnd);
        const read = head === '[' ? null : readCalls(closed);
        const calls = head === '[' ? textToCalls(`${closed}]`) : read && 'calls' in read ? read.calls : null;
        if (calls && calls.length > s.sentCalls) {
          flowing = this.callDelta(index, calls, s.sentCalls);
          s.sentCalls = calls.length;
        }
      }
    }
    if (flowing || this.res.destroyed) return;
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  /** Sends what is left of each choice (the whole answer when nothing was streamed), the finish chunks, usage and [DONE]. */
  finish(completion: ChatCompletion, includeUsage: boolean): void {
    this.base.system_fingerprint = completion.system_fingerprint;
    for (const choice of completion.choices) {
      const s = this.state(choice.index);
      const calls = choice.message.tool_calls;
      let finish = choice.finish_reason;
      if (calls) {
        if (calls.length > s.sentCalls)
          this.delta(choice.index, {
            tool_calls: calls.slice(s.sentCalls).map((call, k) => ({ index: s.sentCalls + k, ...call })),
          });
      } else if (s.sentCalls > 0) {
        // Calls went out, then the list was cut by max_tokens: what was sent stands, the rest is dropped.
        finish = 'length';
      } else {
        const content = choice.message.content ?? '';
        const rest = content.startsWith(s.sentContent) ? content.slice(s.sentContent.length) : '';
        if (rest) this.delta(choice.index, { content: rest });
      }
      this.delta(choice.index, {}, finish);
    }
    if (includeUsage) this.send({ choices: [], usage: completion.usage });
    if (!this.res.destroyed && !this.res.writableEnded) this.res.end('data: [DONE]\n\n');
  }
}

/** The id of call `j` of choice `index` (the same in streamed and non-streamed answers). */
export function callId(completionId: string, index: number, j: number): string {
  return `call_${completionId.slice(-8)}_${index}_${j}`;
}
