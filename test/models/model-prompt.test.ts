import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type ToolsmithClient } from '../../src/shared/client';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { runCli } from '../helpers/cli';
import { smolLM2File, SMOLLM2_SKIP } from '../helpers/real-model';
import { tempDir } from '../helpers/tmp';
import { tinyQwen2Model } from './llama-vocab';

const tools = [
  {
    name: 'get_weather',
    description: 'Current weather of a city.',
    parameters: { type: 'object', properties: { city: { type: 'string', description: 'City' } }, required: ['city'] },
  },
];

let engine: Engine;
let client: ToolsmithClient;
let dir: string;

beforeEach(() => {
  dir = tempDir();
  engine = openEngine(dir);
  client = createClient(engine);
});
afterEach(() => engine.close());

describe('the prompt a model sees (models.prompt, toolsmith model prompt)', () => {
  it('a Qwen-style model: its template writes the tools, calls in Hermes format, special tokens marked', async () => {
    const m = await client.call('models.import', { file: await tinyQwen2Model(), name: 'qwen-tiny', copy: false });
    const view = await client.call('models.prompt', { model: m.name, tools, message: 'Weather in Paris?' });
    expect(view.toolMode).toBe('native');
    expect(view.callFormat).toBe('hermes');
    expect(view.callFormatSource).toBe('detected');
    expect(view.text).toContain('<tools>');
    expect(view.text).toContain('"get_weather"');
    expect(view.segments.filter((s) => s.special).map((s) => s.text)).toContain('<|im_start|>');
    expect(view.segments.map((s) => s.text).join('')).toBe(view.text);

    // An override changes the format (and is shown as one); --auto takes it back.
    const set = await client.call('models.setCallFormat', { model: m.name, callFormat: 'python' });
    expect(set.metadata.callFormat).toBe('python');
    expect((await client.call('models.prompt', { model: m.id, tools, message: 'x' })).callFormatSource).toBe('override');
    await client.call('models.setCallFormat', { model: m.name, callFormat: null });
    expect((await client.call('models.prompt', { model: m.id, tools, message: 'x' })).callFormat).toBe('hermes');
  });

  it('refuses bad tools with the field named', async () => {
    const m = await client.call('models.import', { file: await tinyQwen2Model(), name: 'qwen-tiny', copy: false });
    await expect(client.call('models.prompt', { model: m.name, tools: [{ name: 'x', parameters: 3 }], message: 'hi' })).rejects.toThrow(
      /tools\[0\]/,
    );
  });

  it.runIf(smolLM2File())('SmolLM2-135M-Instruct over the CLI: the tools injected into its system turn', async () => {
    const file = smolLM2File()!;
    await client.call('models.import', { file, name: 'smollm2', copy: false });
    await engine.close();
    const toolsFile = path.join(dir, 'tools.json');
    fs.writeFileSync(toolsFile, JSON.stringify(tools));
    const r = await runCli(['-w', dir, 'model', 'prompt', 'smollm2', '--tools', toolsFile, '--message', 'Weather in Paris?']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/tools injected into the system turn; calls python \(detected\)/);
    expect(r.stdout).toContain('⟦<|im_start|>⟧system\nCall the tools that answer the request');
    expect(r.stdout).toContain('{"name": "get_weather", "description": "Current weather of a city."');
    expect(r.stdout).toContain('answer with only the list of calls, in the format');
    expect(r.stdout).toContain('⟦<|im_start|>⟧user\nWeather in Paris?⟦<|im_end|>⟧');
    const bad = await runCli(['-w', dir, 'model', 'format', 'smollm2', 'xml']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/one of python, hermes, llama3-json, not "xml"/);
    engine = openEngine(dir);
  });
  if (!smolLM2File()) it.skip(SMOLLM2_SKIP, () => undefined);
});
