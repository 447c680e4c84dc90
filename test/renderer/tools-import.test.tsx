// @vitest-environment jsdom
/**
 * Importing a tools file from the Tool pool view against a real engine in-process: the file is read by the
 * parser the CLI uses (a broken JSON Lines file names its line), checked whole first (a bad definition names
 * its field, and nothing is stored), then imported.
 */
import { act, cleanup, render, screen } from '@testing-library/react';
import { File as NodeFile } from 'node:buffer';
import { afterEach, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { createClient } from '../../src/shared/client';
import { ClientProvider } from '../../src/renderer/src/api/client';
import { useToolsImport } from '../../src/renderer/src/features/pool/useToolsImport';
import { tempDir } from '../helpers/tmp';

const engines: Engine[] = [];
afterEach(async () => {
  cleanup();
  for (const engine of engines.splice(0)) await engine.close();
});

const tool = (name: string) => ({
  type: 'function',
  function: { name, description: `Does ${name}.`, parameters: { type: 'object', properties: { city: { type: 'string' } } } },
});

let importFile: (file: Pick<File, 'name' | 'text'>) => Promise<void> = async () => undefined;
function Importer() {
  const state = useToolsImport('mine');
  importFile = state.importFile;
  return (
    <div>
      <p data-testid="message">{state.message ? `${state.message.color}: ${state.message.text}` : ''}</p>
      <ul>
        {state.problems.map((p, i) => (
          <li key={i} data-testid="problem">
            {p.path}
          </li>
        ))}
      </ul>
    </div>
  );
}

async function choose(name: string, text: string) {
  await act(async () => importFile(new NodeFile([text], name, { type: 'application/json' })));
  return { message: screen.getByTestId('message').textContent, problems: screen.queryAllByTestId('problem').map((p) => p.textContent) };
}

describe('useToolsImport', () => {
  it('names the line of a broken JSON Lines file, the field of a bad tool, and imports a good file', async () => {
    const engine = openEngine(tempDir('toolsmith-tools-import-'));
    engines.push(engine);
    const client = createClient(engine);
    render(
      <ClientProvider client={client}>
        <Importer />
      </ClientProvider>,
    );

    const broken = await choose('tools.jsonl', `${JSON.stringify(tool('a'))}\n\n{"type": "function",\n`);
    expect(broken.message).toMatch(/^red: tools\.jsonl:3: not valid JSON/);

    const bad = { type: 'function', function: { description: 'no name', parameters: { type: 'object', properties: {} } } };
    const invalid = await choose('bad.jsonl', `${JSON.stringify(tool('get_weather'))}\n${JSON.stringify(bad)}\n`);
    expect(invalid.message).toBe('red: bad.jsonl: 1 tool definition(s) are not valid; nothing was imported.');
    expect(invalid.problems).toHaveLength(1);
    expect(invalid.problems[0]).toMatch(/\[1\].*name/);
    expect((await client.call('tools.list', { pool: 'mine' })).items).toEqual([]);

    const good = await choose('good.json', JSON.stringify([tool('get_weather'), tool('add')]));
    expect(good.message).toBe('teal: Imported 2 tool(s) into "mine".');
    expect((await client.call('tools.list', { pool: 'mine' })).items.map((t) => t.name).sort()).toEqual(['add', 'get_weather']);
  });
});
