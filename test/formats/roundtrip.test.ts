import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { ExportFormat } from '../../src/shared/contract/formats';
import { exportData } from '../../src/main/engine/formats/export';
import { openWorkspace, type Workspace } from '../../src/main/engine/workspace/workspace';
import { tempDir } from '../helpers/tmp';
import { bfclSlice, canonicalSamples, importFile, multiTurnRecord, writeJsonl } from './helpers';

const open: Workspace[] = [];
function workspace(): Workspace {
  const ws = openWorkspace(tempDir());
  open.push(ws);
  return ws;
}
afterEach(() => {
  for (const ws of open.splice(0)) ws.close();
});

/** A seed of every category: slices of the real BFCL sets, plus a multi-turn OpenAI conversation. */
async function seed(root: string): Promise<Workspace> {
  const ws = openWorkspace(path.join(root, 'ws'));
  const dir = path.join(root, 'data');
  for (const category of ['simple_python', 'multiple', 'parallel', 'parallel_multiple', 'irrelevance']) {
    const { file, answers } = bfclSlice(dir, category, 25);
    const result = await importFile(ws.db, { path: file, answers, status: 'accepted' });
    expect(result.state).toBe('done');
  }
  const chat = await importFile(ws.db, { path: writeJsonl(path.join(dir, 'chat.jsonl'), [multiTurnRecord]), status: 'accepted' });
  expect(chat.samples).toBe(2);
  return ws;
}

const cases: { format: ExportFormat; target: (dir: string) => string; detected: [string, string | null] }[] = [
  { format: 'openai', target: (d) => path.join(d, 'toolsmith.jsonl'), detected: ['openai', null] },
  { format: 'sharegpt', target: (d) => path.join(d, 'toolsmith.jsonl'), detected: ['sharegpt', null] },
  { format: 'llamafactory', target: (d) => path.join(d, 'toolsmith.jsonl'), detected: ['llamafactory', null] },
  { format: 'hermes', target: (d) => path.join(d, 'toolsmith.jsonl'), detected: ['hermes', null] },
  { format: 'xlam', target: (d) => path.join(d, 'toolsmith.jsonl'), detected: ['xlam', null] },
  { format: 'mlx', target: (d) => d, detected: ['hf', 'mlx'] },
  { format: 'bfcl', target: (d) => d, detected: ['hf', 'bfcl'] },
  { format: 'hf', target: (d) => d, detected: ['hf', 'openai'] },
];

describe('round trip: import → export → import gives the same canonical samples', () => {
  let seedCanon: string[];
  let ws0: Workspace;
  let root: string;
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-formats-seed-'));
    ws0 = await seed(root);
    seedCanon = canonicalSamples(ws0.db);
    expect(seedCanon.length).toBeGreaterThan(100);
  });
  afterAll(() => {
    ws0.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  for (const { format, target, detected } of cases) {
    test(format, async () => {
      const opts = { filter: {}, splits: { train: 0.8, validation: 0.1, test: 0.1 }, license: 'apache-2.0', name: 'toolsmith', format };
      const out1 = tempDir();
      const exported = exportData(ws0.db, { ...opts, out: out1 });
      // xLAM records hold one query: the two turns of the conversation that have history before them are skipped.
      const holdsConversations = format !== 'xlam';
      const expected = holdsConversations ? seedCanon : seedCanon.filter((c) => (JSON.parse(c) as unknown[][])[2]!.length === 1);
      expect(exported.skippedCount).toBe(seedCanon.length - expected.length);
      expect(exported.samples).toBe(expected.length);

      const wsA = workspace();
      const first = await importFile(wsA.db, { path: target(out1) });
      expect(first.problems).toEqual([]);
      expect([first.format, first.innerFormat]).toEqual(detected);
      expect(first.detected).toBe(true);
      const canonA = canonicalSamples(wsA.db);
      expect(canonA).toEqual(expected);

      const out2 = tempDir();
      exportData(wsA.db, { ...opts, out: out2 });
      const wsB = workspace();
      const second = await importFile(wsB.db, { path: target(out2) });
      expect(second.problems).toEqual([]);
      expect(canonicalSamples(wsB.db)).toEqual(canonA);
    });
  }
});
