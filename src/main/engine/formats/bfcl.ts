import type { InvocationCategory } from '../../../shared/contract/samples';
import type { Call, CallValue, JsonSchema, ToolDef } from '../tools/types';
import { printCallText } from './calls';
import { DEFAULT_REFUSAL, callsOrWords, draftsOf, expectArray, expectRecord, expectString, isRecord, toolsAt } from './common';
import { RecordError, type DraftTurn, type ExportSample, type FormatModule } from './types';

/**
 * BFCL questions (`{"id", "question": [[{role, content}]], "function": [...]}`) with their possible answers
 * (`{"id", "ground_truth": [{"f": {"arg": [allowed values]}}]}`, a second file) read as training data: each
 * argument takes its first allowed value, and arguments that may be omitted (`""` among the allowed values)
 * are left out. Questions without an answer are irrelevance samples. Exports write the same two files, so an
 * evolved model can be checked with BFCL's own tools.
 */
export const bfclFormat: FormatModule = {
  id: 'bfcl',
  label: 'BFCL questions + possible answers',
  writes: 'BFCL_v4_<category>.json, possible_answer/BFCL_v4_<category>.json',
  detect(record) {
    if (!isRecord(record) || !Array.isArray(record.question) || record.function === undefined) return 0;
    return typeof record.id === 'string' ? 0.98 : 0.8;
  },
  read(record, context) {
    const obj = expectRecord(record, '', 'a record object');
    const id = expectString(obj.id, 'id');
    const turns = expectArray(obj.question, 'question');
    if (turns.length !== 1) throw new RecordError('question', `has ${turns.length} turns; only single-turn BFCL entries can be imported`);
    const messages = expectArray(turns[0], 'question[0]');
    const tools = toolsAt(obj.function, 'function');
    const draftTurns: { turn: DraftTurn; path: string }[] = [];
    const systems: string[] = [];
    messages.forEach((raw, i) => {
      const path = `question[0][${i}]`;
      const m = expectRecord(raw, path, 'a message');
      const content = expectString(m.content, `${path}.content`);
      if (m.role === 'system') systems.push(content);
      else if (m.role === 'user') draftTurns.push({ turn: { role: 'user', content }, path });
      else if (m.role === 'assistant') {
        const calls = callsOrWords(content, `${path}.content`);
        draftTurns.push({ turn: calls ? { role: 'assistant', calls } : { role: 'assistant', content }, path });
      } else if (m.role === 'tool') draftTurns.push({ turn: { role: 'tool', content }, path });
      else throw new RecordError(`${path}.role`, `expected system, user, assistant or tool, got ${JSON.stringify(m.role)}`);
    });
    const category = bfclCategory(id);
    const answer = context?.answers?.get(id);
    let output: { calls: Call[] } | { text: string };
    if (category === 'irrelevance' && answer === undefined) output = { text: DEFAULT_REFUSAL };
    else {
      if (answer === undefined) {
        throw new RecordError(
          'id',
          context?.answers
            ? `no possible answer with id "${id}" in the answers file`
            : 'needs its possible answer: give the answers file (--answers)',
        );
      }
      output = { calls: groundTruthCalls(answer) };
    }
    const drafts = draftsOf(
      [
        ...draftTurns,
        {
          turn: 'calls' in output ? { role: 'assistant', calls: output.calls } : { role: 'assistant', content: output.text },
          path: 'ground_truth',
        },
      ],
      tools,
      systems.length ? systems.join('\n\n') : undefined,
    );
    const last = drafts[drafts.length - 1];
    if (!last) throw new RecordError('question', 'holds no user turn');
    return [{ ...last, ...(category ? { category } : {}) }];
  },
  write(sample) {
    return bfclQuestion(sample, bfclId(sample));
  },
};

/** The category a BFCL id names (`simple_python_12`, `live_parallel_multiple_3-1-0`), if any. */
export function bfclCategory(id: string): InvocationCategory | undefined {
  const base = id.replace(/_\d+(?:-\d+)*$/, '');
  if (base.includes('irrelevance')) return 'irrelevance';
  if (base.includes('parallel_multiple')) return 'parallel_multiple';
  if (base.includes('parallel')) return 'parallel';
  if (base.includes('multiple')) return 'multiple';
  if (base.includes('simple')) return 'simple';
  return undefined;
}

/** Reads one possible-answer entry (`{"id", "ground_truth": [...]}`) into calls. */
export function groundTruthCalls(entry: unknown): Call[] {
  const obj = expectRecord(entry, 'ground_truth', 'a possible-answer entry');
  const truth = expectArray(obj.ground_truth, 'ground_truth');
  return truth.map((raw, i) => {
    const path = `ground_truth[${i}]`;
    const call = expectRecord(raw, path, 'a {"function": {arguments}} object');
    const names = Object.keys(call);
    if (names.length !== 1) throw new RecordError(path, `expected one function name as the only key, got ${names.length}`);
    const name = names[0]!;
    const args = expectRecord(call[name], `${path}.${name}`, 'an object of allowed values');
    return { name, args: firstAllowed(args, `${path}.${name}`) };
  });
}

function firstAllowed(allowedByName: Record<string, unknown>, path: string): Record<string, CallValue> {
  const out: Record<string, CallValue> = {};
  for (const [arg, allowed] of Object.entries(allowedByName)) {
    const list = expectArray(allowed, `${path}.${arg}`, 'a list of allowed values');
    if (list.length === 0) throw new RecordError(`${path}.${arg}`, 'lists no allowed value');
    if (list.some((v) => v === '')) continue; // may be omitted: leave it out
    out[arg] = chosen(list[0], `${path}.${arg}[0]`);
  }
  return out;
}

/** Nested dicts in possible answers hold lists of allowed values too (BFCL's dict checker). */
function chosen(value: unknown, path: string): CallValue {
  if (Array.isArray(value)) return value.map((v, i) => chosen(v, `${path}[${i}]`));
  if (isRecord(value)) {
    const allListed = Object.values(value).every(Array.isArray);
    if (!allListed) return value as CallValue;
    return firstAllowed(value, path);
  }
  return value as CallValue;
}

/** A possible-answer entry for calls: each argument's one allowed value (nested dicts listed the same way). */
export function groundTruthOf(id: string, calls: readonly Call[]): { id: string; ground_truth: unknown[] } {
  const allowed = (value: CallValue): unknown => {
    if (Array.isArray(value)) return value.map(allowed);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, [allowed(v)]]));
    return value;
  };
  return {
    id,
    ground_truth: calls.map((c) => ({ [c.name]: Object.fromEntries(Object.entries(c.args).map(([k, v]) => [k, [allowed(v)]])) })),
  };
}

/** BFCL's schema dialect: `dict` for objects, `float` for numbers, the source's own type names kept. */
export function toBfclSchema(schema: JsonSchema, top = false): Record<string, unknown> {
  const { 'x-source-type': sourceType, type, items, properties, prefixItems: _prefix, ...rest } = schema;
  const out: Record<string, unknown> = {};
  const bfclType = typeof sourceType === 'string' ? sourceType : Array.isArray(type) ? 'any' : BFCL_TYPES[type ?? 'any'];
  out.type = top ? 'dict' : bfclType;
  Object.assign(out, rest);
  if (items) out.items = toBfclSchema(items);
  if (properties) out.properties = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, toBfclSchema(v)]));
  return out;
}

const BFCL_TYPES: Record<string, string> = {
  string: 'string',
  integer: 'integer',
  number: 'float',
  boolean: 'boolean',
  array: 'array',
  object: 'dict',
  null: 'any',
  any: 'any',
};

export function toBfclTool(tool: ToolDef): Record<string, unknown> {
  return { name: tool.name, description: tool.description, parameters: toBfclSchema(tool.parameters, true) };
}

export function bfclId(sample: ExportSample): string {
  return `${sample.category}_${sample.id}`;
}

export function bfclQuestion(sample: ExportSample, id: string): Record<string, unknown> {
  const messages: { role: string; content: string }[] = [];
  if (sample.system) messages.push({ role: 'system', content: sample.system });
  for (const turn of sample.prompt) {
    if (turn.role === 'assistant')
      messages.push({ role: 'assistant', content: 'calls' in turn ? printCallText(turn.calls) : turn.content });
    else messages.push({ role: turn.role, content: turn.content });
  }
  return { id, question: [messages], function: sample.tools.map(toBfclTool) };
}
