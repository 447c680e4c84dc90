/** Tool definitions in every common shape, the schema check of calls, and the tools API on a real workspace. */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/shared/client';
import { ApiError } from '../../src/shared/contract/errors';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { normalizeTool, normalizeTools, toToolSpec, ToolValidationError, validateTools } from '../../src/main/engine/tools/normalize';
import { checkCalls } from '../../src/main/engine/tools/schema-check';
import { tempDir } from '../helpers/tmp';

const weatherParams = {
  type: 'object',
  properties: { city: { type: 'string', description: 'City' }, days: { type: 'integer' } },
  required: ['city'],
};

describe('normalizeTool', () => {
  it('accepts OpenAI, bare, BFCL and ToolACE shapes and keeps the original', () => {
    const openai = { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: weatherParams } };
    expect(normalizeTool(openai)).toEqual({ name: 'get_weather', description: 'Weather', parameters: weatherParams, original: openai });
    expect(normalizeTool({ name: 'get_weather', description: 'Weather', parameters: weatherParams }).parameters).toEqual(weatherParams);

    const bfcl = {
      name: 'calc.area',
      description: 'Area',
      parameters: {
        type: 'dict',
        properties: {
          base: { type: 'float' },
          dims: { type: 'tuple', items: { type: 'integer' } },
          extra: { type: 'any' },
          opts: { type: 'dict', properties: { unit: { type: 'string', enum: ['m', 'cm'] } } },
        },
        required: ['base'],
      },
    };
    const def = normalizeTool(bfcl);
    expect(def.parameters).toEqual({
      type: 'object',
      properties: {
        base: { type: 'number', 'x-source-type': 'float' },
        dims: { type: 'array', 'x-source-type': 'tuple', items: { type: 'integer' } },
        extra: { 'x-source-type': 'any' },
        opts: { type: 'object', 'x-source-type': 'dict', properties: { unit: { type: 'string', enum: ['m', 'cm'] } } },
      },
      required: ['base'],
    });

    const toolace = {
      name: 'Stock Price Checker',
      description: 'Price',
      parameters: { type: 'dict', properties: { symbol: { type: 'string', default: 'AAPL' } }, required: null },
    };
    const t = normalizeTool(toolace);
    expect(t.name).toBe('Stock Price Checker');
    expect(t.parameters).toEqual({ type: 'object', properties: { symbol: { type: 'string', default: 'AAPL' } }, required: [] });
    expect(toToolSpec(t)).toEqual({ name: 'Stock Price Checker', description: 'Price', parameters: t.parameters });
  });

  it('names the path of what is wrong', () => {
    const tools = [
      { name: 'a', parameters: weatherParams },
      { name: 'b', parameters: weatherParams },
      { name: 'c', parameters: weatherParams },
      { name: 'd', parameters: { type: 'object', properties: { city: { type: 'place' } } } },
    ];
    expect(() => normalizeTools(tools)).toThrow(ToolValidationError);
    expect(() => normalizeTools(tools)).toThrow(/^tools\[3\]\.parameters\.properties\.city\.type: unknown type "place"/);
    expect(() => normalizeTools([{ type: 'function', function: { description: 'x' } }])).toThrow(/^tools\[0\]\.function\.name: is missing/);
    expect(() => normalizeTools([{ name: 'x', parameters: { type: 'object', properties: {}, required: ['q'] } }])).toThrow(
      /^tools\[0\]\.parameters\.required\[0\]: "q" is not one of the declared properties/,
    );
    expect(() => normalizeTools([{ name: 'x' }, { name: 'x' }])).toThrow(/^tools\[1\]\.name: "x" is already defined by tools\[0\]/);
    const all = validateTools([{ name: 'ok' }, { name: 5 }, { name: 'z', parameters: 'nope' }]);
    expect(all.tools.map((t) => t.name)).toEqual(['ok']);
    expect(all.problems.map((p) => p.path)).toEqual(['tools[1].name', 'tools[2].parameters']);
  });
});

describe('checkCalls', () => {
  const tools = normalizeTools([
    {
      name: 'get_weather',
      parameters: {
        type: 'object',
        properties: {
          city: { type: 'string' },
          unit: { type: 'string', enum: ['C', 'F'] },
          days: { type: 'integer' },
          temp: { type: 'number' },
        },
        required: ['city'],
      },
    },
  ]);

  it('passes a good call (int accepted for number) and types every problem', () => {
    expect(checkCalls([{ name: 'get_weather', args: { city: 'Oslo', unit: 'C', days: 2, temp: 3 } }], tools)).toEqual([]);
    const verdicts = checkCalls(
      [
        { name: 'get_wether', args: {} },
        { name: 'get_weather', args: { days: 1.5, unit: 'K', color: 'red' } },
      ],
      tools,
    );
    expect(verdicts.map((v) => [v.kind, v.callIndex, v.param])).toEqual([
      ['unknown_function', 0, undefined],
      ['missing_required', 1, 'city'],
      ['wrong_type', 1, 'days'],
      ['not_in_enum', 1, 'unit'],
      ['unknown_parameter', 1, 'color'],
    ]);
    expect(verdicts[2]?.message).toBe('call 1 (get_weather), parameter "days": expected integer, got number 1.5');
  });
});

describe('tools API', () => {
  let engine: Engine | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('imports, lists, searches, gets, exports and deletes tools; a bad file imports nothing', async () => {
    engine = openEngine(path.join(tempDir('toolsmith-tools-'), 'ws'));
    const client = createClient(engine);
    const changed: string[] = [];
    client.on('tools.changed', (e) => changed.push(e.pool));
    const res = await client.call('tools.import', {
      tools: [
        { type: 'function', function: { name: 'get_weather', description: 'Current weather for a city', parameters: weatherParams } },
        {
          name: 'Stock Price',
          description: 'Price of a stock',
          parameters: { type: 'dict', properties: { symbol: { type: 'string' } }, required: null },
        },
      ],
      source: 'mine.json',
    });
    expect(res).toMatchObject({ pool: 'default', imported: 2, names: ['get_weather', 'Stock Price'] });
    expect(changed).toEqual(['default']);

    const bad = await client
      .call('tools.import', {
        tools: [{ name: 'ok' }, { name: 'x', parameters: { type: 'object', properties: { a: { type: 'place' } } } }],
      })
      .catch((e: ApiError) => e);
    expect(bad).toBeInstanceOf(ApiError);
    expect((bad as ApiError).message).toContain('tools[1].parameters.properties.a.type: unknown type "place"');

    // A workspace also holds the built-in pool from its first opening; the user's tools are in theirs.
    const list = await client.call('tools.list', { pool: 'default' });
    expect(list.total).toBe(2);
    expect(list.pools.filter((p) => p.pool !== 'builtin')).toEqual([{ pool: 'default', count: 2 }]);
    expect(list.items.find((t) => t.name === 'get_weather')?.params).toEqual([
      { name: 'city', type: 'string', required: true },
      { name: 'days', type: 'integer', required: false },
    ]);
    const found = await client.call('tools.list', { pool: 'default', search: 'stock' });
    expect(found.items.map((t) => t.name)).toEqual(['Stock Price']);

    const detail = await client.call('tools.get', { id: found.items[0]!.id });
    expect(detail.original).toEqual({
      name: 'Stock Price',
      description: 'Price of a stock',
      parameters: { type: 'dict', properties: { symbol: { type: 'string' } }, required: null },
    });
    expect(detail.parameters).toEqual({ type: 'object', properties: { symbol: { type: 'string' } }, required: [] });
    expect(detail.source).toBe('mine.json');

    const exported = await client.call('tools.export', { pool: 'default' });
    expect(
      normalizeTools(exported.tools)
        .map((t) => t.name)
        .sort(),
    ).toEqual(['Stock Price', 'get_weather']);

    const validated = await client.call('tools.validate', { tools: [{ name: 'a' }, { nope: true }] });
    expect(validated.ok).toBe(false);
    expect(validated.problems[0]).toMatchObject({ index: 1, path: 'tools[1].name' });

    expect(await client.call('tools.delete', { id: detail.id })).toEqual({ deleted: true });
    expect((await client.call('tools.list', { pool: 'default' })).total).toBe(1);
    await expect(client.call('tools.get', { id: detail.id })).rejects.toThrow(/not found/);
  });
});
