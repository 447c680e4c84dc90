import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isRecord } from './common';

/** One data file of an import, with the split its dataset card (or its name) gives it. */
export interface SourceFile {
  file: string;
  split: string | null;
  /** BFCL: the possible-answer file found beside the questions (`possible_answer/<same name>`). */
  answers?: string;
}

export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

const DATA_EXT = /\.(jsonl|json|ndjson)$/i;
const NOT_DATA = new Set(['dataset_info.json', 'dataset_infos.json', 'state.json', 'package.json']);

/**
 * The files an import reads: the file itself, or for a folder (a Hugging Face dataset), the data files its
 * README.md card lists under `configs` (first config; `data_files` paths may be globs), or, without a card,
 * every JSONL/JSON file in it (splits then come from file names: train, valid/validation/dev, test).
 */
export function sourceFiles(input: string): { folder: boolean; files: SourceFile[] } {
  const root = path.resolve(input);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    throw new SourceError(`${root} does not exist.`);
  }
  if (!stat.isDirectory() && !stat.isFile())
    throw new SourceError(`${root} is not a regular file or a folder (a pipe, socket or device); give the path of a data file.`);
  if (!stat.isDirectory()) return { folder: false, files: [{ file: root, split: null, ...answersBeside(root) }] };
  const fromCard = cardFiles(root);
  const files = fromCard ?? scan(root).map((file) => ({ file, split: splitFromName(file) }));
  if (files.length === 0) throw new SourceError(`${root} holds no .jsonl or .json data files.`);
  return { folder: true, files: files.map((f) => ({ ...f, ...answersBeside(f.file) })) };
}

function answersBeside(file: string): { answers?: string } {
  const candidate = path.join(path.dirname(file), 'possible_answer', path.basename(file));
  return fs.existsSync(candidate) ? { answers: candidate } : {};
}

function scan(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'possible_answer') walk(full);
      } else if (entry.isFile() && DATA_EXT.test(entry.name) && !NOT_DATA.has(entry.name)) out.push(full);
    }
  };
  walk(dir);
  return out;
}

export function splitFromName(file: string): string | null {
  const name = path.basename(file).toLowerCase();
  if (/(^|[^a-z])train/.test(name)) return 'train';
  if (/(^|[^a-z])(valid|validation|dev|val)([^a-z]|$)/.test(name)) return 'validation';
  if (/(^|[^a-z])test/.test(name)) return 'test';
  return null;
}

/** The YAML front matter of a dataset card, or null when there is none. */
export function readCard(dir: string): Record<string, unknown> | null {
  const card = path.join(dir, 'README.md');
  if (!fs.existsSync(card)) return null;
  const text = fs.readFileSync(card, 'utf8');
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  if (!m) return null;
  try {
    const parsed = parseYaml(m[1] ?? '') as unknown;
    return isRecord(parsed) ? parsed : null;
  } catch (error) {
    throw new SourceError(`${card}: the card's YAML header does not parse (${error instanceof Error ? error.message : String(error)}).`);
  }
}

function cardFiles(dir: string): SourceFile[] | null {
  const card = readCard(dir);
  const configs = card?.configs;
  if (!Array.isArray(configs) || configs.length === 0) return null;
  const config = (configs.find((c) => isRecord(c) && c.config_name === 'default') ?? configs[0]) as unknown;
  if (!isRecord(config)) return null;
  const dataFiles = config.data_files;
  const entries: { split: string | null; patterns: string[] }[] = [];
  const patternsOf = (v: unknown) =>
    typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string') : [];
  if (typeof dataFiles === 'string' || (Array.isArray(dataFiles) && dataFiles.every((d) => typeof d === 'string'))) {
    entries.push({ split: 'train', patterns: patternsOf(dataFiles) });
  } else if (Array.isArray(dataFiles)) {
    for (const d of dataFiles)
      if (isRecord(d)) entries.push({ split: typeof d.split === 'string' ? d.split : null, patterns: patternsOf(d.path) });
  } else return null;
  const all = scan(dir);
  const out: SourceFile[] = [];
  for (const entry of entries) {
    for (const pattern of entry.patterns) {
      const re = globToRegExp(pattern);
      const matched = all.filter((f) => re.test(path.relative(dir, f).split(path.sep).join('/')));
      if (matched.length === 0)
        throw new SourceError(
          `${path.join(dir, 'README.md')}: data_files path "${pattern}" (split ${entry.split ?? '?'}) matches no file.`,
        );
      for (const file of matched) if (!out.some((o) => o.file === file)) out.push({ file, split: entry.split });
    }
  }
  return out;
}

/** `data/train-*.jsonl`, `**\/*.json` → a RegExp over '/'-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re.replace(/^\.\//, '')}$`);
}

/** Reads a BFCL possible-answer file into a map by id (these files are small: thousands of lines). */
export async function readAnswers(
  file: string,
  read: (file: string) => AsyncIterable<{ line: number; value?: unknown; error?: string }>,
): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for await (const record of read(file)) {
    if (record.error !== undefined) throw new SourceError(`${file}:${record.line}: ${record.error}`);
    const value = record.value;
    if (!isRecord(value) || typeof value.id !== 'string')
      throw new SourceError(`${file}:${record.line}: expected {"id": ..., "ground_truth": [...]}`);
    out.set(value.id, value);
  }
  return out;
}
