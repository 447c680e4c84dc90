import path from 'node:path';
import type { Db } from '../../src/main/engine/db/open';
import { registerModel } from '../../src/main/engine/models/registry';
import { createStarterModel } from '../../src/main/engine/models/starter';
import { insertSample } from '../../src/main/engine/samples/samples-repo';
import { normalizeTools } from '../../src/main/engine/tools/normalize';
import type { EvolveSettingsInput } from '../../src/main/engine/evolution/settings';

/**
 * A small pool written for the evolution tests: four in-domain tools (one with an implementation), two
 * unseen tools for the generalisation set, labelled seed samples and two tiny held-out sets.
 */
export const POOL = 'mini';

const inDomain = [
  {
    name: 'get_weather',
    description: 'Weather for a city.',
    parameters: { type: 'dict', properties: { city: { type: 'string' } }, required: ['city'] },
  },
  {
    name: 'add',
    description: 'Add two integers.',
    parameters: { type: 'dict', properties: { a: { type: 'integer' }, b: { type: 'integer' } }, required: ['a', 'b'] },
  },
  {
    name: 'get_time',
    description: 'Time in a zone.',
    parameters: { type: 'dict', properties: { zone: { type: 'string' } }, required: ['zone'] },
  },
  {
    name: 'send_email',
    description: 'Send an email.',
    parameters: { type: 'dict', properties: { to: { type: 'string' }, body: { type: 'string' } }, required: ['to', 'body'] },
  },
];
const unseen = [
  {
    name: 'stock_price',
    description: 'Price of a stock.',
    parameters: { type: 'dict', properties: { symbol: { type: 'string' } }, required: ['symbol'] },
  },
  {
    name: 'translate',
    description: 'Translate text.',
    parameters: { type: 'dict', properties: { text: { type: 'string' }, lang: { type: 'string' } }, required: ['text', 'lang'] },
  },
];
export const ADD_IMPL = 'function main(args) { return { sum: args.a + args.b }; }';

const CITIES = ['Paris', 'Oslo', 'Lima', 'Rome', 'Kyiv', 'Cairo'];
const ZONES = ['UTC', 'CET', 'JST'];

export function seedPool(db: Db, seeds = 24): void {
  const tools = normalizeTools(inDomain);
  db.transaction(() => {
    const ins = db.prepare(
      'INSERT INTO tools (pool, name, description, domain, schema_json, original_json, implementation, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const t of tools)
      ins.run(
        POOL,
        t.name,
        t.description,
        'test',
        JSON.stringify(t.parameters),
        JSON.stringify(t.original),
        t.name === 'add' ? ADD_IMPL : null,
        'test',
      );
  })();
  for (let i = 0; i < seeds; i++) {
    const kind = i % 4;
    const city = CITIES[i % CITIES.length]!;
    const [query, out, offered, category] =
      kind === 0
        ? [`Weather in ${city}?`, `[get_weather(city="${city}")]`, [tools[0]!], 'simple']
        : kind === 1
          ? [`Add ${i} and ${i + 1}.`, `[add(a=${i}, b=${i + 1})]`, [tools[1]!, tools[0]!], 'multiple']
          : kind === 2
            ? [
                `Time in ${ZONES[i % 3]} and weather in ${city}?`,
                `[get_time(zone="${ZONES[i % 3]}"), get_weather(city="${city}")]`,
                [tools[2]!, tools[0]!],
                'parallel_multiple',
              ]
            : [`Tell me a joke number ${i}.`, 'No tool fits this request.', [tools[3]!], 'irrelevance'];
    insertSample(db, {
      subtask: 'invocation',
      status: 'accepted',
      category,
      queryText: query,
      input: { query, tools: offered },
      outputText: out,
      author: 'import',
      dedupeKey: `seed-${i}`,
    });
  }
  // Unlabelled imported queries: they go through tool-making and voting like the model's own.
  const q = db.prepare(`INSERT INTO queries (text, source, tools_json) VALUES (?, 'import', ?)`);
  q.run('What is the weather in Madrid today?', JSON.stringify([inDomain[0]]));
  q.run('Please add 20 and 22 for me.', JSON.stringify([inDomain[1], inDomain[0]]));
  const set = (name: string, items: { q: string; tools: unknown[]; answer: unknown; category: string }[]) => {
    const { id } = db
      .prepare(`INSERT INTO eval_sets (name, kind, item_count) VALUES (?, 'builtin', ?) RETURNING id`)
      .get(name, items.length) as { id: number };
    const ins = db.prepare(
      'INSERT INTO eval_items (set_id, item_key, category, question_json, tools_json, answer_json) VALUES (?, ?, ?, ?, ?, ?)',
    );
    items.forEach((it, i) =>
      ins.run(
        id,
        `${name}_${i}`,
        it.category,
        JSON.stringify([[{ role: 'user', content: it.q }]]),
        JSON.stringify(it.tools),
        it.answer === null ? null : JSON.stringify({ id: `${name}_${i}`, ground_truth: it.answer }),
      ),
    );
  };
  set('mini-in-domain', [
    { q: 'Weather in Bern?', tools: [inDomain[0]], answer: [{ get_weather: { city: ['Bern'] } }], category: 'simple' },
    { q: 'Add 3 and 4.', tools: [inDomain[1], inDomain[0]], answer: [{ add: { a: [3], b: [4] } }], category: 'multiple' },
    { q: 'Sing me a song.', tools: [inDomain[2]], answer: null, category: 'irrelevance' },
  ]);
  set('mini-unseen', [
    { q: 'Price of ACME stock?', tools: [unseen[0]], answer: [{ stock_price: { symbol: ['ACME'] } }], category: 'simple' },
    {
      q: 'Translate hello to fr.',
      tools: [unseen[1], unseen[0]],
      answer: [{ translate: { text: ['hello'], lang: ['fr'] } }],
      category: 'multiple',
    },
    { q: 'What is love?', tools: [unseen[0]], answer: null, category: 'irrelevance' },
  ]);
}

/** A tiny starter model registered in the workspace (random weights). */
export async function tinyStarter(db: Db, modelsDir: string): Promise<number> {
  const file = path.join(modelsDir, 'starter.gguf');
  await createStarterModel(file, { embedding: 64, layers: 2, heads: 4, feedForward: 128, contextLength: 1024, seed: 5 });
  return (await registerModel(db, modelsDir, file, { name: 'starter', kind: 'starter' })).id;
}

/**
 * The small budgets the evolution tests and the e2e workspace run with on the mini pool and the tiny starter:
 * one round, 12 labelled + 2 new queries, k = 3, native training of the last block for 3 steps, 1 thread.
 */
export function miniRunSettings(modelId: number, extra: Partial<EvolveSettingsInput> = {}): EvolveSettingsInput {
  return {
    runId: 'mini',
    modelId,
    pool: POOL,
    rounds: 1,
    importsPerRound: 12,
    generatedPerRound: 2,
    k: 3,
    passK: 3,
    maxTokens: 40,
    evalSets: ['mini-unseen', 'mini-in-domain'],
    threads: 1,
    backend: 'native',
    ...extra,
    train: { epochs: 1, maxSteps: 3, learningRate: 1e-4, contextLength: 256, trainLayers: 'last', threads: 1, ...extra.train },
  };
}
