import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBfcl } from '../../src/main/engine/eval/bfcl-checker';
import { itemRequest } from '../../src/main/engine/eval/model-eval';
import type { EvalItemRow } from '../../src/main/engine/eval/sets-repo';
import { createLocalBackend, type LocalBackend } from '../../src/main/engine/inference/local-backend';
import { parseCalls } from '../../src/main/engine/tools/call-parse';
import { repoRoot } from '../helpers/tmp';
import { smolLM2File, SMOLLM2_SKIP } from '../helpers/real-model';

/**
 * SmolLM2-135M-Instruct, a real pretrained instruct model whose chat template ignores `tools`: the
 * evaluation prompts carry the tools (injected into the system turn) and its answers under the call grammar
 * are calls of those tools. Runs where the wheel is cached (`.ci/run` fetches it); skips otherwise.
 */
const file = smolLM2File();

/** One held-out item of each category from the built-in unseen-tool set (the rows an evaluation reads). */
function unseenItems(): EvalItemRow[] {
  const lines = fs
    .readFileSync(path.join(repoRoot, 'resources', 'eval', 'toolsmith-unseen.json'), 'utf8')
    .trim()
    .split('\n');
  const seen = new Set<string>();
  const items: EvalItemRow[] = [];
  lines.forEach((line, i) => {
    const q = JSON.parse(line) as { id: string; question: unknown; function: unknown };
    const category = q.id.replace(/_\d+$/, '');
    if (seen.has(category)) return;
    seen.add(category);
    items.push({
      id: i,
      set_id: 1,
      item_key: q.id,
      category,
      question_json: JSON.stringify(q.question),
      tools_json: JSON.stringify(q.function),
      answer_json: null,
    });
  });
  return items;
}

describe.runIf(file)('SmolLM2-135M-Instruct (real model)', () => {
  let backend: LocalBackend;
  beforeAll(async () => {
    backend = await createLocalBackend({
      modelPath: file!,
      threads: 1,
      gpu: false,
      sequences: 1,
      contextSize: 2048,
      skipMemoryCheck: true,
    });
  }, 120_000);
  afterAll(() => backend?.dispose());

  it('every evaluation prompt shows the tools; answers under the grammar are calls of those tools, irrelevance in words', async () => {
    expect(backend.template.toolMode).toBe('injected');
    const items = unseenItems();
    expect(items.map((i) => i.category).sort()).toEqual(['irrelevance', 'multiple', 'parallel', 'parallel_multiple', 'simple']);
    for (const item of items) {
      const made = itemRequest(item, { sampling: { temperature: 0, maxTokens: 96 }, constrain: 'auto', decoder: 'bfcl' });
      if (!('request' in made)) throw new Error(`${item.item_key}: ${JSON.stringify(made.problem)}`);
      const { request } = made;
      const prompt = backend.renderPrompt(request).text;
      for (const tool of request.tools) {
        expect(prompt, item.item_key).toContain(`"name": ${JSON.stringify(tool.name)}`);
        for (const param of Object.keys((tool.parameters.properties as Record<string, unknown>) ?? {}))
          expect(prompt).toContain(`"${param}"`);
      }
      expect(prompt).toContain('answer with only the list of calls');
      const out = (await backend.generate(request)).outputs[0]!.text;
      if (item.category === 'irrelevance') {
        // Words, as BFCL's checker reads irrelevance: no call list decodes from the answer.
        const verdict = checkBfcl({ category: item.category, tools: JSON.parse(item.tools_json) as unknown[], answer: [], output: out });
        expect(verdict.valid, `${item.item_key} answered ${out}`).toBe(true);
      } else {
        const p = parseCalls(out);
        expect(p.ok, `${item.item_key}: ${out}`).toBe(true);
        const names = new Set(request.tools.map((t) => t.name));
        for (const call of p.ok ? p.calls : []) expect(names.has(call.name)).toBe(true);
      }
    }
  }, 600_000);
});
if (!file) describe.skip(SMOLLM2_SKIP, () => it('needs the model', () => undefined));
