/**
 * Reads the BFCL files from ../shared/bfcl (never copied into the repo) and prints a possible answer's
 * first allowed values as the call text a model would write, in Python, Java or JavaScript syntax.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTypedValue } from '../../src/main/engine/tools/call-print';
import { PyFloat, reprFloat, type PyValue } from '../../src/main/engine/tools/py-value';
import { parseTypedJson } from '../../src/main/engine/tools/typed-json';
import type { BfclLanguage } from '../../src/main/engine/eval/bfcl-decode';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BFCL_DIR = path.resolve(repoRoot, '../shared/bfcl');

export const ANSWERED = ['simple_python', 'simple_java', 'simple_javascript', 'multiple', 'parallel', 'parallel_multiple'] as const;

export interface BfclItem {
  id: string;
  category: string;
  functions: Record<string, unknown>[];
  /** The ground_truth as JSON text (keeps 1.0 a float). */
  answerText: string;
  answer: { name: string; params: Map<string, PyValue[]> }[];
}

export function questionsFile(category: string): string {
  return path.join(BFCL_DIR, `BFCL_v4_${category}.json`);
}
export function answersFile(category: string): string {
  return path.join(BFCL_DIR, 'possible_answer', `BFCL_v4_${category}.json`);
}

function lines(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
}

export function loadQuestions(category: string): { id: string; function: Record<string, unknown>[] }[] {
  return lines(questionsFile(category)).map((l) => JSON.parse(l));
}

export function loadItems(category: string): BfclItem[] {
  const questions = new Map(loadQuestions(category).map((q) => [q.id, q]));
  return lines(answersFile(category)).map((line) => {
    const record = parseTypedJson(line) as Map<string, PyValue>;
    const id = record.get('id') as string;
    const gt = record.get('ground_truth') as PyValue[];
    const start = line.indexOf('[', line.indexOf('"ground_truth"'));
    const answerText = line.slice(start, line.lastIndexOf('}'));
    const answer = gt.map((entry) => {
      const [[name, params]] = [...(entry as Map<string, PyValue>)] as [[string, Map<string, PyValue[]>]];
      return { name, params };
    });
    const q = questions.get(id);
    if (!q) throw new Error(`answer ${id} has no question`);
    return { id, category, functions: q.function, answerText, answer };
  });
}

type Props = Record<string, { type?: string; items?: { type?: string } }>;

function propsOf(functions: Record<string, unknown>[], name: string): Props {
  const fn = functions.find((f) => f.name === name) as { parameters: { properties: Props } } | undefined;
  if (!fn) throw new Error(`no function ${name}`);
  return fn.parameters.properties;
}

function requiredOf(functions: Record<string, unknown>[], name: string): string[] {
  const fn = functions.find((f) => f.name === name) as { parameters: { required?: string[] } } | undefined;
  return fn?.parameters.required ?? [];
}

/** First allowed value of each parameter of a dict answer ({key: [allowed]}), omittable keys left out. */
function materialize(value: PyValue): PyValue {
  if (value instanceof Map && [...value.values()].every((v) => Array.isArray(v))) {
    const out = new Map<string, PyValue>();
    for (const [k, allowed] of value as Map<string, PyValue[]>) {
      if (allowed.includes('')) continue;
      out.set(k, materialize(allowed[0] as PyValue));
    }
    return out;
  }
  if (Array.isArray(value) && value.every((v) => v instanceof Map)) return value.map(materialize);
  return value;
}

export interface PrintedCall {
  name: string;
  args: [string, string][];
}

/** The ground truth as calls whose argument values are already source text in the item's language. */
export function groundTruthCalls(item: BfclItem, language: BfclLanguage): PrintedCall[] {
  return item.answer.map(({ name, params }) => {
    const props = propsOf(item.functions, name);
    const required = requiredOf(item.functions, name);
    const args: [string, string][] = [];
    for (const [param, allowed] of params) {
      // "" marks an omittable parameter; some answers mark required ones so, and those must still be given.
      if (allowed.includes('') && !required.includes(param)) continue;
      const first = allowed.find((v) => v !== '');
      if (first === undefined) continue;
      const value = materialize(first);
      const type = props[param]?.type ?? 'any';
      const items = props[param]?.items?.type;
      args.push([
        param,
        language === 'python'
          ? printTypedValue(value)
          : language === 'java'
            ? javaSource(value, type, items)
            : jsSource(value, type, items),
      ]);
    }
    return { name, args };
  });
}

export function printCallsText(calls: PrintedCall[]): string {
  return `[${calls.map((c) => `${c.name}(${c.args.map(([k, v]) => `${k}=${v}`).join(', ')})`).join(', ')}]`;
}

function num(v: PyValue): string {
  return v instanceof PyFloat ? reprFloat(v.value) : String(v);
}

function javaElement(v: PyValue, items?: string): string {
  if (typeof v === 'string') return items === 'String' || items === undefined || items === 'any' ? `"${v}"` : v;
  if (typeof v === 'boolean') return String(v);
  if (items === 'long') return `${num(v)}L`;
  if (items === 'float') return `${num(v)}f`;
  return num(v);
}

export function javaSource(value: PyValue, type: string, items?: string): string {
  if (typeof value === 'string') return type === 'String' ? `"${value}"` : value;
  switch (type) {
    case 'long':
      return `${num(value)}L`;
    case 'float':
      return `${num(value)}f`;
    case 'ArrayList': {
      const list = value as PyValue[];
      return list.length === 0
        ? 'new ArrayList<>()'
        : `new ArrayList<>(Arrays.asList(${list.map((v) => javaElement(v, items)).join(', ')}))`;
    }
    case 'Array':
      // BFCL keeps the quotes of String elements of an array (so a quoted String[] never matches); unquoted
      // elements are what its converter reads as the answer's strings.
      return `new ${items === 'integer' ? 'int' : 'Object'}[]{${(value as PyValue[]).map((v) => (typeof v === 'string' ? v : javaElement(v, items))).join(', ')}}`;
    case 'HashMap':
      return `new HashMap<String, Object>() {{ ${[...(value as Map<string, PyValue>)].map(([k, v]) => `put("${k}", ${javaElement(v)});`).join(' ')} }}`;
    default:
      return typeof value === 'boolean' ? String(value) : num(value);
  }
}

function jsElement(v: PyValue): string {
  if (typeof v === 'string') return `"${v}"`;
  if (Array.isArray(v)) return `[${v.map(jsElement).join(', ')}]`;
  if (typeof v === 'boolean') return String(v);
  return num(v);
}

export function jsSource(value: PyValue, type: string, items?: string): string {
  if (typeof value === 'string') return type === 'String' ? `"${value}"` : value;
  switch (type) {
    case 'Bigint':
      return `${num(value)}n`;
    case 'float':
      return num(value);
    case 'array':
      return `[${(value as PyValue[]).map(jsElement).join(', ')}]`;
    case 'dict':
      return `{${[...(value as Map<string, PyValue>)].map(([k, v]) => `${k}: ${typeof v === 'string' ? v : jsElement(v)}`).join(', ')}}`;
    default:
      return typeof value === 'boolean' ? String(value) : num(value);
  }
  void items;
}
