import fs from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CLI_REFERENCE_PATH, renderCliReference } from '../../scripts/cli-reference';
import { buildProgram } from '../../src/main/cli';

function commandPaths(cmd: Command, prefix: string): string[] {
  return cmd.commands.flatMap((c) => [`${prefix} ${c.name()}`, ...commandPaths(c, `${prefix} ${c.name()}`)]);
}

describe('docs/cli.md', () => {
  it('is what scripts/cli-reference.ts generates from the commander definitions', () => {
    const expected = renderCliReference();
    const actual = fs.existsSync(CLI_REFERENCE_PATH) ? fs.readFileSync(CLI_REFERENCE_PATH, 'utf8') : '';
    expect(actual === expected, 'docs/cli.md is stale: run npm run docs:cli (and commit docs/cli.md)').toBe(true);
  });

  it('has a section for every command and subcommand, with its options', () => {
    const program = buildProgram();
    const text = renderCliReference(program);
    const paths = commandPaths(program, 'toolsmith');
    expect(paths.length).toBeGreaterThan(20);
    for (const p of paths) expect(text).toMatch(new RegExp(`^#{2,6} ${p}$`, 'm'));
    expect(text).toContain('| `-w, --workspace <dir>` |');
    expect(text).toContain('`--level <level>`');
    expect(renderCliReference(buildProgram())).toBe(text);
  });
});
