import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeSharedSandbox } from '../../src/main/engine/lib/sandbox';
import { createClient, type ToolsmithClient } from '../../src/shared/client';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { insertSample } from '../../src/main/engine/samples/samples-repo';
import { normalizeTools } from '../../src/main/engine/tools/normalize';
import { tempDir } from '../helpers/tmp';

const weather = normalizeTools([
  {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
]);

let engine: Engine;
let client: ToolsmithClient;
let callSample: number;
let wordsSample: number;

beforeEach(() => {
  engine = openEngine(tempDir());
  client = createClient(engine);
  const add = (category: string, outputText: string) =>
    insertSample(engine.ctx.db, {
      subtask: 'invocation',
      category,
      queryText: 'What is the weather in Paris?',
      input: { query: 'What is the weather in Paris?', tools: weather },
      outputText,
    })!;
  callSample = add('simple', '[get_weather(city="Paris")]');
  wordsSample = add('irrelevance', 'I cannot tell the time with these tools.');
  engine.ctx.db
    .prepare("INSERT INTO verdicts (sample_id, version, verifier, passed, reason) VALUES (?, 1, 'format', 1, 'parses as 1 call')")
    .run(callSample);
});
afterEach(() => engine.close());
afterAll(() => closeSharedSandbox());

describe('edits that cannot destroy a sample', () => {
  it('refuses free text and an empty edit meant as calls, and stores nothing', async () => {
    for (const output of ['The weather in Paris is sunny today.', '   ', '[]']) {
      await expect(client.call('samples.curate', { action: { kind: 'edit', output }, target: { ids: [callSample] } })).rejects.toThrow(
        /needs at least one call/,
      );
    }
    // The contract itself refuses an empty string, with the field named.
    await expect(client.call('samples.curate', { action: { kind: 'edit', output: '' }, target: { ids: [callSample] } })).rejects.toThrow(
      /action\.output/,
    );
    const detail = await client.call('samples.detail', { id: callSample });
    expect(detail.row.status).toBe('candidate');
    expect(detail.row.output).toBe('[get_weather(city="Paris")]');
    expect(detail.versions).toHaveLength(1);
  });

  it('reads the text as typed: calls, an answer in words, or neither, with the reason', async () => {
    expect(await client.call('samples.checkEdit', { id: callSample, output: 'get_weather(city="Rome")' })).toEqual({
      ok: true,
      kind: 'calls',
      calls: 1,
      reason: null,
    });
    const words = await client.call('samples.checkEdit', { id: callSample, output: 'It is sunny in Paris today.' });
    expect(words).toMatchObject({ ok: false, kind: 'words' });
    expect(words.reason).toMatch(/answer in words, not a call list/);
    expect(await client.call('samples.checkEdit', { id: callSample, output: '[get_weather(city=' })).toMatchObject({
      ok: false,
      kind: 'invalid',
    });
    expect(await client.call('samples.checkEdit', { id: wordsSample, output: 'No tool here tells the time.' })).toMatchObject({
      ok: true,
      kind: 'words',
    });
    const callInWords = await client.call('samples.checkEdit', { id: wordsSample, output: '[get_weather(city="Paris")]' });
    expect(callInWords).toMatchObject({ ok: false, kind: 'calls' });
  });

  it('stores a valid call as version 2 with fresh verdicts of its own, and keeps version 1 and its verdicts', async () => {
    await client.call('samples.curate', { action: { kind: 'edit', output: 'get_weather(city="Rome")' }, target: { ids: [callSample] } });
    const detail = await client.call('samples.detail', { id: callSample });
    expect(detail.row.status).toBe('edited');
    expect(detail.row.output).toBe('[get_weather(city="Rome")]');
    expect(detail.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(detail.versions[0]!.output).toBe('[get_weather(city="Paris")]');
    const byVersion = (n: number) => detail.verdicts.filter((v) => v.version === n).map((v) => [v.verifier, v.passed]);
    expect(byVersion(1)).toEqual([['format', true]]);
    expect(byVersion(2)).toEqual([
      ['format', true],
      ['schema', true],
    ]);
  });

  it('runs the edited call in the sandbox where its tool has an implementation, and the verdict says how it went', async () => {
    engine.ctx.db
      .prepare(
        `INSERT INTO tools (pool, name, description, domain, schema_json, original_json, implementation, source) VALUES ('p', 'get_weather', 'w', 'test', '{}', '{}', ?, 'test')`,
      )
      .run("function main(args) { if (args.city === 'Atlantis') throw new Error('no such city'); return { sky: 'clear' }; }");
    await client.call('samples.curate', {
      action: { kind: 'edit', output: 'get_weather(city="Atlantis")' },
      target: { ids: [callSample] },
    });
    await client.call('samples.curate', { action: { kind: 'edit', output: 'get_weather(city="Oslo")' }, target: { ids: [callSample] } });
    const { verdicts } = await client.call('samples.detail', { id: callSample });
    const execution = verdicts.filter((v) => v.verifier === 'execution').map((v) => [v.version, v.passed]);
    expect(execution).toEqual([
      [2, false],
      [3, true],
    ]);
    expect(verdicts.find((v) => v.verifier === 'execution' && v.version === 2)!.reason).toContain('no such city');
  });
});
