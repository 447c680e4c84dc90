import { printCallText } from './calls';
import { expectRecord, functionJson, isRecord, jsonField, toolsAt } from './common';
import { conversationDrafts, jsonListIn, textCalls, systemOf, turnsOf } from './conversation';
import { RecordError, type ExportSample, type FormatModule } from './types';

/**
 * ShareGPT as ToolACE writes it: `{"system": "...<JSON tool list>...", "conversations": [{"from": "user",
 * "value": ...}, {"from": "assistant", "value": "[f(x=1)]"}, {"from": "tool", "value": ...}, ...]}`.
 * A `tools` field (JSON text or a list) is read when present instead of the system prompt.
 */
export const sharegptFormat: FormatModule = {
  id: 'sharegpt',
  label: 'ShareGPT / ToolACE (from/value turns, [f(x=1)] calls)',
  writes: '<name>.jsonl',
  detect(record) {
    if (!isRecord(record) || !Array.isArray(record.conversations)) return 0;
    const turns = record.conversations.filter(isRecord);
    const froms = turns.map((t) => t.from ?? t.role);
    if (froms.includes('function_call') || froms.includes('observation')) return 0.3;
    const system =
      typeof record.system === 'string' ? record.system : String(turns.find((t) => (t.from ?? t.role) === 'system')?.value ?? '');
    if (system.includes('<tools>')) return 0.3;
    if (typeof record.tools === 'string' && froms.includes('human')) return 0.5;
    const pythonic = turns.some((t) => typeof t.value === 'string' && /^\s*\[\s*[\w.\- ]+\(/.test(t.value));
    return /\[\s*\{/.test(system) || record.tools !== undefined ? (pythonic ? 0.95 : 0.8) : 0.4;
  },
  read(record) {
    const obj = expectRecord(record, '', 'a record object');
    const { turns } = turnsOf(obj);
    const system = systemOf(obj, turns);
    if (obj.tools !== undefined) {
      const tools = toolsAt(jsonField(obj.tools, 'tools', 'the tool list'), 'tools');
      return conversationDrafts(turns, tools, system?.text, { assistantCalls: textCalls });
    }
    if (!system)
      throw new RecordError('system', 'is missing: the tools are expected as a JSON list in the system prompt or in a "tools" field');
    const list = jsonListIn(system.text, system.path);
    const tools = toolsAt(list.value, system.path);
    return conversationDrafts(turns, tools, undefined, { assistantCalls: textCalls });
  },
  write(sample) {
    return { system: toolaceSystem(sample), conversations: shareGptTurns(sample) };
  },
};

/** A ToolACE-style system prompt: the instructions with the tool list in it. */
export function toolaceSystem(sample: ExportSample): string {
  const tools = JSON.stringify(sample.tools.map(functionJson));
  const lead = sample.system ? `${sample.system}\n\n` : '';
  return (
    `${lead}You are an expert in composing function calls. You are given a question and a set of possible functions. ` +
    'Based on the question, make one or more function calls to achieve the purpose. If none of the functions can be used, ' +
    `say so in words.\nHere is a list of functions in JSON format that you can invoke:\n${tools}\n` +
    'If you decide to call functions, reply with nothing but the calls, in the format [func1(param_name=param_value, param_name2=param_value2), func2(params)].'
  );
}

export function shareGptTurns(sample: ExportSample): { from: string; value: string }[] {
  const out = sample.prompt.map((turn) => {
    if (turn.role === 'user') return { from: 'user', value: turn.content };
    if (turn.role === 'tool') return { from: 'tool', value: turn.content };
    return { from: 'assistant', value: 'calls' in turn ? printCallText(turn.calls) : turn.content };
  });
  out.push({ from: 'assistant', value: 'calls' in sample.output ? printCallText(sample.output.calls) : sample.output.text });
  return out;
}
