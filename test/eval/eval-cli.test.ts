/** The eval and tools commands of the real `toolsmith` CLI (child processes on a temp workspace). */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { printSummaryTable } from '../../src/main/cli/eval';
import type { EvalSummary } from '../../src/shared/contract/eval';
import { tempDir } from '../helpers/tmp';
import { answersFile, groundTruthCalls, loadItems, printCallsText, questionsFile } from './bfcl-fixtures';

describe('toolsmith eval / tools', () => {
  it('imports a BFCL pair, lists it, and checks a result file line by line', async () => {
    const dir = tempDir('toolsmith-eval-cli-');
    const ws = ['-w', path.join(dir, 'ws')];
    const imported = await runCli([...ws, 'eval', 'import', questionsFile('simple_javascript'), answersFile('simple_javascript')], {
      timeoutMs: 120_000,
    });
    expect(imported.stderr).not.toMatch(/error/);
    expect(imported.stdout).toContain('Imported "BFCL_v4_simple_javascript": 50 item(s) (simple_javascript 50)');

    const listed = await runCli([...ws, 'eval', 'list', '--json'], { timeoutMs: 120_000 });
    // Beside the built-in held-out sets every workspace holds from its first opening.
    const sets = JSON.parse(listed.stdout) as { name: string }[];
    expect(sets.filter((s) => !s.name.startsWith('toolsmith-'))).toMatchObject([
      { name: 'BFCL_v4_simple_javascript', itemCount: 50, categories: [{ category: 'simple_javascript', count: 50 }] },
    ]);

    const items = loadItems('simple_javascript');
    const outputs = path.join(dir, 'result.jsonl');
    fs.writeFileSync(
      outputs,
      items
        .map((item, i) =>
          JSON.stringify({ id: item.id, result: i < 40 ? printCallsText(groundTruthCalls(item, 'javascript')) : 'no call' }),
        )
        .join('\n') + '\n',
    );
    const checked = await runCli([...ws, 'eval', 'check', 'BFCL_v4_simple_javascript', outputs, '--json'], { timeoutMs: 120_000 });
    expect(checked.code).toBe(0);
    const lines = checked.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(51);
    expect(lines[0]).toEqual({ id: 'simple_javascript_0', valid: true, error_type: null });
    expect(lines[49]).toEqual({ id: 'simple_javascript_49', valid: false, error_type: 'ast_decoder:decoder_failed' });
    expect(lines[50]).toMatchObject({ total: 50, correct: 40, accuracy: 0.8 });

    expect(printSummaryTable(lines[50] as unknown as EvalSummary)).toMatch(
      /simple_javascript\s+50\s+40\s+80\.0 % \(40\/50\)\s+ast_decoder:decoder_failed ×10/,
    );

    const tools = path.join(dir, 'tools.json');
    fs.writeFileSync(tools, JSON.stringify([{ name: 'a', parameters: { type: 'object', properties: { x: { type: 'flot' } } } }]));
    const bad = await runCli([...ws, 'tools', 'import', tools], { timeoutMs: 120_000 });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('tools[0].parameters.properties.x.type: unknown type "flot"');
  }, 300_000);
});
