/**
 * A held-out set drawn from BFCL's own files: a stratified, seeded sample across the non-live categories of
 * a folder (../shared/bfcl holds them), stored as one evaluation set. Stratified with equal shares per
 * category (BFCL's non-live score averages categories, so a small category must not vanish from a sample);
 * a category smaller than its share gives all its items and the rest goes to the others. Evaluation sets
 * never enter a training mix, and rounds refuse training samples equal to their queries (heldout-overlap).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../../shared/contract/errors';
import type { Db } from '../db/open';
import { seededRandom } from '../lib/random';
import { assertSetNameFree, readBfclItems, storeBfclSet, type ImportProgress, type PendingItem } from './bfcl-import';
import type { EvalSetInfo } from './sets-repo';

/** BFCL's single-turn, non-live question files in a folder (their possible answers in possible_answer/). */
export function bfclNonLiveFiles(dir: string): { questions: string; answers?: string; category: string }[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new ApiError('bad_file', `${dir}: no such folder (BFCL's data folder, e.g. ../shared/bfcl).`, { dir });
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^BFCL_v\d+_.+\.jsonl?$/.test(f))
    .map((f) => ({ f, category: f.replace(/^BFCL_v\d+_/, '').replace(/\.jsonl?$/, '') }))
    .filter(({ category }) => !/^live|multi_turn|memory|web_search|format_sensitivity/.test(category))
    .sort((a, b) => a.category.localeCompare(b.category));
  if (files.length === 0)
    throw new ApiError('bad_file', `${dir}: holds no BFCL non-live question file (BFCL_v4_simple_python.json, …).`, { dir });
  return files.map(({ f, category }) => {
    const answers = path.join(dir, 'possible_answer', f);
    return { questions: path.join(dir, f), category, ...(fs.existsSync(answers) ? { answers } : {}) };
  });
}

/** Equal shares of `n` over the groups (sizes in name order), filling up from the others where a group runs short. */
export function stratifiedQuotas(sizes: readonly number[], n: number): number[] {
  const quotas = sizes.map(() => 0);
  let left = Math.min(
    n,
    sizes.reduce((a, b) => a + b, 0),
  );
  while (left > 0) {
    const open = sizes.map((s, i) => i).filter((i) => quotas[i]! < sizes[i]!);
    const share = Math.max(1, Math.floor(left / open.length));
    for (const i of open) {
      const give = Math.min(share, sizes[i]! - quotas[i]!, left);
      quotas[i]! += give;
      left -= give;
      if (left === 0) break;
    }
  }
  return quotas;
}

/** `k` of `items` chosen by a seeded shuffle, kept in their file order. */
function pick<T>(items: readonly T[], k: number, random: () => number): T[] {
  const idx = items.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx
    .slice(0, k)
    .sort((a, b) => a - b)
    .map((i) => items[i]!);
}

export interface SampleReport {
  category: string;
  available: number;
  sampled: number;
}

export async function importBfclSample(
  db: Db,
  input: { dir: string; sample: number; seed: number; name: string },
  onProgress: (p: ImportProgress) => void = () => {},
): Promise<{ set: EvalSetInfo; categories: SampleReport[] }> {
  assertSetNameFree(db, input.name);
  const files = bfclNonLiveFiles(input.dir);
  // Each file is read and checked as `eval import` reads it; items are grouped by their id's category.
  const groups = new Map<string, PendingItem[]>();
  let lines = 0;
  for (const f of files) {
    const read = await readBfclItems({ questions: { path: f.questions }, ...(f.answers ? { answers: { path: f.answers } } : {}) }, (p) =>
      onProgress({ ...p, lines: lines + p.lines }),
    );
    lines += read.lines;
    for (const item of read.items) (groups.get(item.category) ?? groups.set(item.category, []).get(item.category)!).push(item);
  }
  const categories = [...groups.keys()].sort();
  const quotas = stratifiedQuotas(
    categories.map((c) => groups.get(c)!.length),
    input.sample,
  );
  const random = seededRandom(input.seed);
  const chosen = categories.flatMap((c, i) => pick(groups.get(c)!, quotas[i]!, random));
  onProgress({ phase: 'storing', lines, items: chosen.length });
  const set = storeBfclSet(
    db,
    input.name,
    `BFCL stratified sample of ${chosen.length} (seed ${input.seed}) from ${input.dir}: ${files.map((f) => path.basename(f.questions)).join(', ')}`,
    chosen,
  );
  onProgress({ phase: 'done', lines, items: chosen.length });
  return { set, categories: categories.map((c, i) => ({ category: c, available: groups.get(c)!.length, sampled: quotas[i]! })) };
}
