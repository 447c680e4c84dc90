import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createClient } from '../../src/shared/client';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { registerModel } from '../../src/main/engine/models/registry';
import { ollamaTemplate } from '../../src/main/engine/formats/model-export';
import { sharedDir, tempDir } from '../helpers/tmp';

const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
});

const STORIES = path.join(sharedDir, 'models', 'stories260K.gguf');
const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

test('a base model exports as its GGUF, a Modelfile and a card; an adapter names its base, with lineage and evaluation', async () => {
  const engine = openEngine(tempDir());
  engines.push(engine);
  const client = createClient(engine);
  const { db, workspace } = engine.ctx;
  const base = await registerModel(db, workspace.modelsDir, STORIES, { name: 'stories' });
  // A second registration of the same GGUF stands in for a LoRA adapter file trained on it.
  const adapterFile = path.join(tempDir(), 'round-1.lora.gguf');
  fs.copyFileSync(STORIES, adapterFile);
  const adapter = await registerModel(db, workspace.modelsDir, adapterFile, {
    name: 'stories-r1',
    kind: 'adapter',
    parentId: base.id,
    trainer: 'python:lora-r8',
  });
  const set = db.prepare("INSERT INTO eval_sets (name, kind, item_count) VALUES ('bfcl-simple', 'bfcl', 40) RETURNING id").get() as {
    id: number;
  };
  db.prepare('INSERT INTO eval_runs (set_id, model_id, summary_json) VALUES (?, ?, ?)').run(
    set.id,
    adapter.id,
    JSON.stringify({
      total: 40,
      correct: 30,
      accuracy: 0.75,
      errorTypes: {},
      categories: [{ category: 'simple_python', total: 40, correct: 30, accuracy: 0.75, errorTypes: {} }],
    }),
  );

  const outBase = tempDir();
  const exportedBase = await client.call('formats.exportModel', { model: 'stories', out: outBase });
  expect(exportedBase.base).toBeNull();
  expect(exportedBase.files.map((f) => path.basename(f.file))).toEqual(['stories.gguf', 'Modelfile', 'README.md']);
  expect(sha(path.join(outBase, 'stories.gguf'))).toBe(sha(STORIES));
  const baseModelfile = fs.readFileSync(path.join(outBase, 'Modelfile'), 'utf8');
  expect(baseModelfile).toMatch(/^FROM \.\/stories\.gguf$/m);
  expect(baseModelfile).not.toMatch(/^ADAPTER/m);

  const outAdapter = tempDir();
  const exported = await client.call('formats.exportModel', { model: adapter.id, out: outAdapter });
  expect(exported.base).toEqual({ name: 'stories', file: base.path, sha256: base.sha256 });
  expect(exported.files.map((f) => path.basename(f.file))).toEqual(['stories-r1.lora.gguf', 'Modelfile', 'README.md']);
  expect(sha(path.join(outAdapter, 'stories-r1.lora.gguf'))).toBe(sha(adapterFile));
  const modelfile = fs.readFileSync(path.join(outAdapter, 'Modelfile'), 'utf8');
  expect(modelfile).toMatch(new RegExp(`^FROM ${base.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  expect(modelfile).toMatch(/^ADAPTER \.\/stories-r1\.lora\.gguf$/m);
  const template = ollamaTemplate(base.chatTemplate);
  if (template) expect(modelfile).toContain(`TEMPLATE """${template.template}"""`);
  else expect(modelfile).toMatch(/^# TEMPLATE: /m);

  const card = fs.readFileSync(path.join(outAdapter, 'README.md'), 'utf8');
  expect(card).toContain('base_model: "stories"');
  expect(card).toMatch(/- stories-r1 \(#\d+, adapter, trained by python:lora-r8\)\n {2}- stories \(#\d+, base\)/);
  expect(card).toContain('| bfcl-simple | all | 40 | 75.0 % |');
  expect(card).toContain('| bfcl-simple | simple_python | 40 | 75.0 % | |');
  expect(fs.readdirSync(outAdapter).sort()).toEqual(['Modelfile', 'README.md', 'stories-r1.lora.gguf']); // no temporary files left
});

test('Ollama templates: ChatML and Llama 3 are recognised; an unknown Jinja template gets none', () => {
  expect(ollamaTemplate('{{ "<|im_start|>" + message.role }}')?.family).toBe('chatml');
  expect(ollamaTemplate(null)?.family).toBe('chatml');
  expect(ollamaTemplate('<|start_header_id|>{{ role }}<|end_header_id|>')?.stops).toEqual(['<|eot_id|>']);
  expect(ollamaTemplate('[INST] {{ content }} [/INST]')).toBeNull();
});
