import { printCallText } from './calls';
import { callJson, expectRecord, functionJson, isRecord, jsonField, toolsAt } from './common';
import { conversationDrafts, textCalls, systemOf, turnsOf } from './conversation';
import { RecordError, type ExportSample, type FormatModule } from './types';

/**
 * LLaMA-Factory's sharegpt format with tools: `{"conversations": [{"from": "human"}, {"from": "function_call",
 * "value": "{\"name\": ..., \"arguments\": {...}}"}, {"from": "observation"}, {"from": "gpt"}], "system": ...,
 * "tools": "<JSON list>"}`. Parallel calls are a JSON list in one function_call turn. Its `dataset_info.json`
 * entry is written beside the data (see `datasetInfo`).
 */
export const llamafactoryFormat: FormatModule = {
  id: 'llamafactory',
  label: 'LLaMA-Factory sharegpt (function_call / observation, dataset_info.json)',
  writes: '<name>.jsonl, dataset_info.json',
  detect(record) {
    if (!isRecord(record) || !Array.isArray(record.conversations)) return 0;
    const froms = record.conversations.filter(isRecord).map((t) => t.from);
    if (froms.includes('function_call') || froms.includes('observation')) return 0.95;
    return typeof record.tools === 'string' && froms.includes('human') ? 0.7 : 0.2;
  },
  read(record) {
    const obj = expectRecord(record, '', 'a record object');
    const { turns } = turnsOf(obj);
    if (obj.tools === undefined || obj.tools === '') throw new RecordError('tools', 'is missing: an invocation sample needs the tool list');
    const tools = toolsAt(jsonField(obj.tools, 'tools', 'the tool list'), 'tools');
    return conversationDrafts(turns, tools, systemOf(obj, turns)?.text, { assistantCalls: textCalls });
  },
  write(sample) {
    return {
      conversations: llamafactoryTurns(sample),
      ...(sample.system ? { system: sample.system } : {}),
      tools: JSON.stringify(sample.tools.map(functionJson)),
    };
  },
};

/**
 * Turns in LLaMA-Factory's strict alternation (human/observation at odd places, gpt/function_call at even):
 * consecutive tool results become one observation, consecutive user turns one human turn.
 */
function llamafactoryTurns(sample: ExportSample): { from: string; value: string }[] {
  const out: { from: string; value: string }[] = [];
  const push = (from: string, value: string) => {
    const last = out[out.length - 1];
    if (last && last.from === from && (from === 'observation' || from === 'human')) last.value += `\n${value}`;
    else out.push({ from, value });
  };
  for (const turn of sample.prompt) {
    if (turn.role === 'user') push('human', turn.content);
    else if (turn.role === 'tool') push('observation', turn.content);
    else if ('calls' in turn) push('function_call', functionCallValue(turn.calls));
    else push('gpt', turn.content);
  }
  if ('calls' in sample.output) push('function_call', functionCallValue(sample.output.calls));
  else push('gpt', sample.output.text);
  return out;
}

function functionCallValue(calls: Parameters<typeof printCallText>[0]): string {
  return JSON.stringify(calls.length === 1 ? callJson(calls[0]!) : calls.map(callJson));
}

/** The `dataset_info.json` entry that tells LLaMA-Factory how to read the file. */
export function datasetInfo(name: string, fileName: string): Record<string, unknown> {
  return {
    [name]: {
      file_name: fileName,
      formatting: 'sharegpt',
      columns: { messages: 'conversations', system: 'system', tools: 'tools' },
      tags: {
        role_tag: 'from',
        content_tag: 'value',
        user_tag: 'human',
        assistant_tag: 'gpt',
        observation_tag: 'observation',
        function_tag: 'function_call',
        system_tag: 'system',
      },
    },
  };
}
