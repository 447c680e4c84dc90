import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openWorkspace } from '../../src/main/engine/workspace/workspace';
import { repoRoot } from '../helpers/tmp';

const LINES = 200_000;
/** The child's JS heap is capped: an import that held the file (73 MB of text, far more parsed) would die. */
const HEAP_MIB = 96;
/** Peak anonymous RSS (heap and native memory, not the mapped database's pages) may exceed that of a 100-line import by at most this much. */
const RSS_GROWTH_LIMIT_MIB = 128;

interface ChildResult {
  state: string;
  records: number;
  stored: number;
  problemCount: number;
  progressEvents: number;
  seconds: number;
  maxRssMiB: number;
  maxAnonMiB: number;
}

function runChild(workspace: string, file: string, cancelAfter?: number): Promise<ChildResult> {
  const script = path.join(repoRoot, 'test', 'formats', 'child', 'big-import.ts');
  const args = [
    `--max-old-space-size=${HEAP_MIB}`,
    '--import',
    'tsx',
    script,
    workspace,
    file,
    ...(cancelAfter ? [String(cancelAfter)] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`child exited with ${code}: ${err}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult);
    });
  });
}

/** xLAM lines (tools and answers as JSON text), written in blocks. */
function writeXlam(file: string, lines: number): void {
  const fd = fs.openSync(file, 'w');
  const tools = JSON.stringify([
    {
      name: 'get_weather',
      description: 'Weather of a city.',
      parameters: { city: { type: 'str', description: 'City' }, days: { type: 'int', description: 'Days', default: 1 } },
    },
  ]);
  let block: string[] = [];
  for (let i = 0; i < lines; i++) {
    block.push(
      JSON.stringify({
        id: i,
        query: `Weather in city ${i} for ${i % 7} days?`,
        tools,
        answers: JSON.stringify([{ name: 'get_weather', arguments: { city: `City ${i}`, days: i % 7 } }]),
      }),
    );
    if (block.length === 10_000 || i === lines - 1) {
      fs.writeSync(fd, `${block.join('\n')}\n`);
      block = [];
    }
  }
  fs.closeSync(fd);
}

function counts(dir: string) {
  const ws = openWorkspace(dir);
  try {
    const samples = (ws.db.prepare('SELECT COUNT(*) AS n FROM samples').get() as { n: number }).n;
    const versions = (ws.db.prepare('SELECT COUNT(*) AS n FROM sample_versions').get() as { n: number }).n;
    const imports = ws.db.prepare('SELECT state, stored FROM imports ORDER BY id').all();
    const staging = fs.existsSync(path.join(dir, 'imports')) ? fs.readdirSync(path.join(dir, 'imports')) : [];
    return { samples, versions, imports, staging };
  } finally {
    ws.close();
  }
}

describe(`a ${LINES.toLocaleString('en')}-line import`, () => {
  let root: string;
  let big: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-large-import-'));
    big = path.join(root, 'big.jsonl');
    writeXlam(big, LINES);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('streams in bounded memory (peak anonymous RSS measured in the child process)', async () => {
    const small = path.join(root, 'small.jsonl');
    writeXlam(small, 100);
    const baseline = await runChild(path.join(root, 'ws-small'), small);
    expect(baseline.stored).toBe(100);

    const result = await runChild(path.join(root, 'ws-big'), big);
    console.log(
      `200k-line import: ${result.seconds.toFixed(1)} s, peak anonymous RSS ${result.maxAnonMiB.toFixed(0)} MiB, peak RSS ${result.maxRssMiB.toFixed(0)} MiB ` +
        `(100-line import: ${baseline.maxAnonMiB.toFixed(0)} / ${baseline.maxRssMiB.toFixed(0)} MiB; file ${(fs.statSync(big).size / 2 ** 20).toFixed(0)} MiB)`,
    );
    expect(result).toMatchObject({ state: 'done', records: LINES, stored: LINES, problemCount: 0 });
    expect(result.progressEvents).toBeGreaterThan(100);
    expect(result.maxAnonMiB - baseline.maxAnonMiB).toBeLessThan(RSS_GROWTH_LIMIT_MIB);
    expect(counts(path.join(root, 'ws-big'))).toEqual({
      samples: LINES,
      versions: LINES,
      imports: [{ state: 'done', stored: LINES }],
      staging: [],
    });
  }, 900_000);

  test('can be cancelled through the API, leaving nothing half-imported', async () => {
    const ws = path.join(root, 'ws-cancel');
    const result = await runChild(ws, big, 30_000);
    expect(result.state).toBe('cancelled');
    expect(result.stored).toBe(0);
    expect(result.records).toBeGreaterThanOrEqual(30_000);
    expect(result.records).toBeLessThan(LINES);
    expect(counts(ws)).toEqual({ samples: 0, versions: 0, imports: [{ state: 'cancelled', stored: 0 }], staging: [] });
  }, 300_000);
});
