import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { createClient, type ToolsmithClient } from '../../src/shared/client';
import type { EventPayload } from '../../src/shared/contract';
import { installBuiltinPool } from '../../src/main/engine/pool';
import { closeSharedSandbox } from '../../src/main/engine/lib/sandbox';
import { modelRuntime } from '../../src/main/engine/models/runtime-service';
import { startModelServer } from '../../src/main/engine/serving/serve';
import { answerKey } from '../../src/main/engine/subtasks/verify';
import { runCli } from '../helpers/cli';
import { sharedDir } from '../helpers/tmp';

const STORIES = path.join(sharedDir, 'models', 'stories260K.gguf');

let engine: Engine;
let workspace: string;
let client: ToolsmithClient;
let modelId: number;
let toolIds: number[];

beforeAll(async () => {
  // Not tempDir(): that folder goes after each test, and the CLI test opens the workspace again by its path.
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-playground-'));
  engine = openEngine(workspace);
  client = createClient(engine);
  installBuiltinPool(engine.ctx.db);
  modelId = (await client.call('models.import', { file: STORIES, copy: false })).id;
  await client.call('models.load', { model: modelId, threads: 1, contextSize: 2048 });
  // Two built-in tools that have sandbox implementations.
  const found = await Promise.all(['is_prime', 'fibonacci'].map((search) => client.call('tools.list', { search })));
  toolIds = found.map((r, i) => r.items.find((t) => t.name === ['is_prime', 'fibonacci'][i])!.id);
});

afterAll(async () => {
  await engine?.close();
  await closeSharedSandbox();
  fs.rmSync(workspace, { recursive: true, force: true });
});

describe('playground on stories260K', () => {
  it('answers with the exact prompt (tool names in it), parsed calls, sandbox results and a refinement trace', async () => {
    const pieces: string[] = [];
    const stages = new Set<string>();
    const off = client.on('playground.progress', (p: EventPayload<'playground.progress'>) => {
      if (p.requestId !== 'first') return;
      stages.add(p.stage);
      if (p.text) pieces.push(p.text);
    });
    const exchange = await client.call('playground.send', {
      requestId: 'first',
      backend: { kind: 'local', model: modelId },
      toolIds,
      messages: [{ role: 'user', content: 'Is 7 prime?' }],
      constrain: 'calls',
      sampling: { temperature: 0, maxTokens: 400 },
      maxRefinements: 1,
    });
    off();
    expect(exchange.model).toEqual({ id: modelId, name: 'stories260K', backend: 'local' });
    expect(exchange.prompt.exact).toBe(true);
    expect(exchange.prompt.text).toContain('is_prime');
    expect(exchange.prompt.text).toContain('fibonacci');
    expect(exchange.prompt.text).toContain('Is 7 prime?');
    expect(exchange.prompt.segments.map((s) => s.text).join('')).toBe(exchange.prompt.text);
    expect(exchange.prompt.tokens).toBeGreaterThan(0);
    // Constrained to the call grammar: a call list of the offered tools, each run in the sandbox.
    expect(exchange.parsed.kind).toBe('calls');
    expect(exchange.parsed.calls.length).toBeGreaterThan(0);
    for (const call of exchange.parsed.calls) expect(['is_prime', 'fibonacci']).toContain(call.name);
    expect(exchange.verdicts.map((v) => v.verifier)).toEqual(['format', 'schema', 'execution']);
    expect(exchange.toolResults).toHaveLength(exchange.parsed.calls.length);
    for (const r of exchange.toolResults) expect(r.ok ? r.result !== undefined : r.error !== null).toBe(true);
    // The stream joins up to what the model wrote.
    expect(pieces.join('')).toBe(exchange.raw);
    expect([...stages]).toEqual(['loading', 'generating', 'executing', 'refining', 'done']);
    expect(exchange.refinement.steps[0]!.output).toBe(exchange.answer);
    expect(exchange.refinement.steps.length).toBeGreaterThanOrEqual(2);
    expect(['converged', 'max_refinements']).toContain(exchange.refinement.stopReason);

    // Saved as a sample: it appears in Samples with the playground as its provenance, verified like an edit.
    const saved = await client.call('playground.save', {
      toolIds,
      messages: [{ role: 'user', content: 'Is 7 prime?' }],
      output: '[is_prime(number=7)]',
      modelId,
      templateHash: exchange.prompt.templateHash,
      sampling: exchange.sampling,
    });
    expect(saved.created).toBe(true);
    expect(saved.category).toBe('multiple');
    expect(saved.verdicts.map((v) => [v.verifier, v.passed])).toEqual([
      ['format', true],
      ['schema', true],
      ['execution', true],
    ]);
    const page = await client.call('samples.page', { filter: { tag: 'playground' } });
    expect(page.rows.map((r) => r.id)).toEqual([saved.sampleId]);
    const detail = await client.call('samples.detail', { id: saved.sampleId });
    expect(detail.row.output).toBe('[is_prime(number=7)]');
    expect(detail.row.query).toBe('Is 7 prime?');
    expect(detail.provenance.source).toEqual({ file: 'playground', line: null, format: 'playground' });
    expect(detail.provenance.model).toBe('stories260K');
    expect(detail.provenance.templateHash).toBe(exchange.prompt.templateHash);
    expect(detail.versions[0]!.author).toBe('user');
    // The same exchange again is the same sample.
    const again = await client.call('playground.save', {
      toolIds,
      messages: [{ role: 'user', content: 'Is 7 prime?' }],
      output: '[is_prime( number = 7 )]',
    });
    expect(again).toMatchObject({ sampleId: saved.sampleId, created: false });
  });

  it('cancels a running exchange by its request id', async () => {
    const off = engine.subscribe((name, payload) => {
      const p = payload as EventPayload<'playground.progress'>;
      if (name === 'playground.progress' && p.requestId === 'stop-me' && p.text)
        void engine.call('playground.cancel', { requestId: 'stop-me' });
    });
    const sent = client.call('playground.send', {
      requestId: 'stop-me',
      toolIds,
      messages: [{ role: 'user', content: 'Tell me a story.' }],
      sampling: { temperature: 0, maxTokens: 200 },
    });
    await expect(sent).rejects.toMatchObject({ code: 'cancelled' });
    off();
    expect(await client.call('playground.cancel', { requestId: 'stop-me' })).toEqual({ cancelled: false });
  });

  it('chats through an OpenAI-compatible server with the same tools, showing the request it was sent', async () => {
    const server = await startModelServer({ backend: modelRuntime(engine.ctx).current!.backend, modelName: 'stories', port: 0 });
    try {
      const exchange = await client.call('playground.send', {
        requestId: 'remote',
        backend: { kind: 'remote', baseUrl: server.url, model: 'stories' },
        toolIds,
        messages: [{ role: 'user', content: 'Is 7 prime?' }],
        constrain: 'calls',
        sampling: { temperature: 0, maxTokens: 400 },
        maxRefinements: 0,
      });
      expect(exchange.model).toMatchObject({ id: null, backend: 'remote' });
      expect(exchange.prompt.exact).toBe(false);
      const sent = JSON.parse(exchange.prompt.text) as { messages: { content: string }[]; tools: { function: { name: string } }[] };
      expect(sent.tools.map((t) => t.function.name)).toEqual(['is_prime', 'fibonacci']);
      expect(sent.messages.at(-1)!.content).toBe('Is 7 prime?');
      expect(exchange.parsed.kind).toBe('calls');
      expect(exchange.refinement).toMatchObject({ stopReason: 'no_refinement', changed: false });
      expect(exchange.refinement.steps).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('the CLI runs the same exchange and saves its answer', async () => {
    const r = await runCli(
      [
        '--workspace',
        workspace,
        'playground',
        'stories260K',
        '--message',
        'Is 11 prime?',
        '--tool',
        'is_prime',
        '--tool',
        'fibonacci',
      ].concat(['--constrain', '--max-tokens', '400', '--refinements', '0', '--threads', '1', '--save', '--json']),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { exchange, saved } = JSON.parse(r.stdout) as {
      exchange: { prompt: { text: string }; parsed: { kind: string }; answer: string };
      saved: { sampleId: number; created: boolean };
    };
    expect(exchange.prompt.text).toContain('Is 11 prime?');
    expect(exchange.parsed.kind).toBe('calls');
    const detail = await client.call('samples.detail', { id: saved.sampleId });
    // Stored in the canonical call text, as an edit is: the same calls.
    expect(answerKey(detail.row.output)).toBe(answerKey(exchange.answer));
    expect(detail.provenance.source?.format).toBe('playground');
  });

  it('refuses bad input and answers that cannot be a sample, saying what and where', async () => {
    const send = (extra: Record<string, unknown>) =>
      client.call('playground.send', { requestId: 'bad', messages: [{ role: 'user', content: 'Hi' }], ...extra } as never);
    await expect(send({ messages: [{ role: 'assistant', content: '[f()]' }] })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('ends with a user turn'),
    });
    await expect(send({ messages: [{ role: 'user', content: 'x'.repeat(20_001) }] })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('messages.0.content'),
    });
    await expect(send({ toolIds: Array.from({ length: 33 }, (_, i) => i + 1) })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('at most 32 tools'),
    });
    await expect(send({ toolIds: [999_999] })).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('Tool 999999'),
    });
    const save = (output: string) =>
      client.call('playground.save', { toolIds, messages: [{ role: 'user', content: 'Is 7 prime?' }], output });
    await expect(save('[is_prime(number=')).rejects.toMatchObject({ code: 'invalid_input', details: { field: 'output' } });
    await expect(save('[is_prime(n=7)]')).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('do not fit') });
    // Words are an answer that calls no tool: an irrelevance sample.
    const words = await save('No tool here answers that question.');
    expect(words).toMatchObject({ created: true, category: 'irrelevance' });
  });
});
