import {
  callJson,
  DEFAULT_REFUSAL,
  checkCallNames,
  expectArray,
  expectRecord,
  expectString,
  functionJson,
  isRecord,
  jsonField,
  structuredCall,
  toolsAt,
} from './common';
import { RecordError, type DraftSample, type FormatModule } from './types';

/**
 * xLAM / APIGen: `{"id", "query", "tools": "<JSON list>", "answers": "<JSON list of {name, arguments}>"}` with
 * the lists as JSON text. xLAM tools give `parameters` as a map of name → `{type, description, default}` with
 * Python type names (`str`, `List[int]`, `Optional[str]`, `float, optional`); they are turned into JSON-Schema.
 * An empty `answers` list is an irrelevance sample (xlam-irrelevance).
 */
export const xlamFormat: FormatModule = {
  id: 'xlam',
  label: 'xLAM / APIGen (query, tools, answers as JSON text)',
  writes: '<name>.jsonl',
  detect(record) {
    if (!isRecord(record) || typeof record.query !== 'string' || record.tools === undefined) return 0;
    return record.answers !== undefined ? (typeof record.answers === 'string' ? 0.98 : 0.9) : 0.4;
  },
  read(record) {
    const obj = expectRecord(record, '', 'a record object');
    const query = expectString(obj.query, 'query');
    const rawTools = expectArray(jsonField(obj.tools, 'tools', 'the tool list'), 'tools', 'a list of tools');
    const tools = toolsAt(rawTools.map(xlamTool), 'tools');
    for (let i = 0; i < tools.length; i++) tools[i] = { ...tools[i]!, original: rawTools[i] };
    if (obj.answers === undefined) throw new RecordError('answers', 'is missing');
    const answers = expectArray(jsonField(obj.answers, 'answers', 'the answers'), 'answers', 'a list of calls');
    const calls = answers.map((a, i) => structuredCall(a, `answers[${i}]`));
    checkCallNames(calls, tools, 'answers');
    const draft: DraftSample = {
      tools,
      prompt: [{ role: 'user', content: query }],
      output: calls.length > 0 ? { calls } : { text: DEFAULT_REFUSAL },
      outputPath: 'answers',
    };
    return [draft];
  },
  cannotHold(sample) {
    return sample.prompt.length > 1 ? 'an xLAM record holds one query, and this sample has a conversation before it' : undefined;
  },
  write(sample) {
    return {
      id: sample.id,
      query: sample.query,
      tools: JSON.stringify(sample.tools.map(functionJson)),
      answers: JSON.stringify('calls' in sample.output ? sample.output.calls.map(callJson) : []),
    };
  },
};

/** An xLAM tool with a parameter map becomes a tool with a JSON-Schema object; others pass unchanged. */
function xlamTool(raw: unknown): unknown {
  if (!isRecord(raw) || !isRecord(raw.parameters)) return raw;
  const params = raw.parameters;
  if (typeof params.type === 'string' || isRecord(params.properties)) return raw;
  const entries = Object.entries(params);
  if (!entries.every(([, v]) => isRecord(v))) return raw;
  const properties: Record<string, Record<string, unknown>> = {};
  const required: string[] = [];
  for (const [name, spec] of entries as [string, Record<string, unknown>][]) {
    const { type, optional } = pythonType(spec.type);
    const { type: _ignored, ...rest } = spec;
    properties[name] = { ...rest, ...(type ? { type } : {}), ...(typeof spec.type === 'string' ? { 'x-source-type': spec.type } : {}) };
    if (!optional && spec.default === undefined) required.push(name);
  }
  return { ...raw, parameters: { type: 'object', properties, required } };
}

/** Python annotations as xLAM writes them, to a JSON-Schema type (undefined = any). */
function pythonType(raw: unknown): { type?: string; optional: boolean } {
  if (typeof raw !== 'string') return { optional: false };
  let t = raw.trim();
  let optional = false;
  const comma = /,\s*optional$/i.exec(t);
  if (comma) {
    optional = true;
    t = t.slice(0, comma.index).trim();
  }
  const opt = /^Optional\[(.*)\]$/.exec(t);
  if (opt) {
    optional = true;
    t = (opt[1] ?? '').trim();
  }
  const base = t.replace(/\[.*$/, '').toLowerCase();
  const map: Record<string, string> = {
    str: 'string',
    string: 'string',
    int: 'integer',
    integer: 'integer',
    float: 'number',
    number: 'number',
    bool: 'boolean',
    boolean: 'boolean',
    list: 'array',
    array: 'array',
    tuple: 'array',
    set: 'array',
    dict: 'object',
    object: 'object',
  };
  return { type: map[base], optional };
}
