import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../../../shared/contract/errors';
import type { ModelExportResult } from '../../../shared/contract/formats';
import type { Db } from '../db/open';
import { findModel, getModel, modelLineage, type ModelRecord } from '../models/registry';
import { readSummary } from '../eval/eval-run';
import { summarizedRunsOfModel } from '../eval/runs-repo';
import { metricsOf } from '../evolution/rounds-repo';
import { recordOutputDir } from './export';
import { roundCounts, roundRef } from '../evolution/round-counts';
import { roundName } from '../../../shared/contract/round-counts';
import { formatMetric, metricLabel, metricScope } from '../../../shared/round-metrics';

/**
 * Model exports: the GGUF of a registry model (or, for a LoRA adapter, the adapter GGUF with its base named),
 * an Ollama Modelfile beside it (FROM + ADAPTER + TEMPLATE), and a model card with the lineage and the
 * evaluations recorded for it. Files are copied under a temporary name and renamed when complete.
 */
export interface ModelExportOptions {
  model: string | number;
  out: string;
  /** Write the Ollama Modelfile (default true). */
  ollama?: boolean;
}

function safeName(name: string): string {
  return name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
}

async function copyInto(from: string, to: string): Promise<number> {
  const tmp = `${to}.${process.pid}.tmp`;
  try {
    await fsp.copyFile(from, tmp);
    await fsp.rename(tmp, to);
  } catch (error) {
    await fsp.rm(tmp, { force: true });
    throw error;
  }
  return (await fsp.stat(to)).size;
}

/** Ollama's Go template for the chat formats Toolsmith recognises in a model's Jinja template. */
export function ollamaTemplate(chatTemplate: string | null): { template: string; stops: string[]; family: string } | null {
  // A model without a template is rendered with Toolsmith's ChatML fallback (inference/chat-render.ts).
  if (chatTemplate === null || chatTemplate.includes('<|im_start|>')) {
    return {
      family: 'chatml',
      stops: ['<|im_end|>'],
      template: [
        '{{- if .System }}<|im_start|>system',
        '{{ .System }}<|im_end|>',
        '{{ end }}',
        '{{- range .Messages }}<|im_start|>{{ .Role }}',
        '{{ .Content }}<|im_end|>',
        '{{ end }}<|im_start|>assistant',
        '',
      ].join('\n'),
    };
  }
  if (chatTemplate.includes('<|start_header_id|>')) {
    return {
      family: 'llama3',
      stops: ['<|eot_id|>'],
      template: [
        '{{- if .System }}<|start_header_id|>system<|end_header_id|>',
        '',
        '{{ .System }}<|eot_id|>',
        '{{- end }}',
        '{{- range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>',
        '',
        '{{ .Content }}<|eot_id|>',
        '{{- end }}<|start_header_id|>assistant<|end_header_id|>',
        '',
        '',
      ].join('\n'),
    };
  }
  return null;
}

function modelfile(from: string, adapter: string | null, chatTemplate: string | null, describe: string): string {
  const lines = [`# Ollama Modelfile written by Toolsmith for ${describe}`, `# ollama create <name> -f Modelfile`, `FROM ${from}`];
  if (adapter) lines.push(`ADAPTER ${adapter}`);
  const template = ollamaTemplate(chatTemplate);
  if (template) {
    lines.push(`# The ${template.family} chat format of the model's own chat template.`, `TEMPLATE """${template.template}"""`);
    for (const stop of template.stops) lines.push(`PARAMETER stop ${JSON.stringify(stop)}`);
  } else {
    lines.push(
      "# TEMPLATE: the model's Jinja chat template has no Ollama equivalent known to Toolsmith; Ollama reads the one in the GGUF.",
    );
  }
  return `${lines.join('\n')}\n`;
}

function evaluationSection(db: Db, model: ModelRecord): string {
  const runs = summarizedRunsOfModel(db, model.id);
  const rows: string[] = [];
  for (const run of runs) {
    const summary = readSummary(run.summary_json);
    if (!summary) continue;
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    rows.push(`| ${run.set_name} | all | ${summary.total} | ${pct(summary.accuracy)} | ${run.created_at} |`);
    for (const c of summary.categories) rows.push(`| ${run.set_name} | ${c.category} | ${c.total} | ${pct(c.accuracy)} | |`);
  }
  let text = rows.length
    ? `| set | category | items | accuracy | when |\n| --- | --- | ---: | ---: | --- |\n${rows.join('\n')}\n`
    : 'No evaluation of this model is recorded in the workspace.\n';
  if (model.roundId !== null) text += roundSection(db, model.roundId);
  return text;
}

/**
 * The round that produced the model: its counts (the same source as the app and the CLI) and its metrics
 * with labels and units. Accuracy metrics are stored in points, so they print as they are, with their counts.
 */
function roundSection(db: Db, roundId: number): string {
  const ref = roundRef(db, roundId);
  if (!ref) return '';
  const c = roundCounts(db, roundId);
  const metrics = metricsOf(db, roundId);
  const value = (name: string, category: string) => metrics.find((m) => m.name === name && m.category === category)?.value;
  let text = `\nThe ${roundName(ref)}, which produced this model:\n\n| count | value |\n| --- | ---: |\n`;
  const counts: [string, number][] = [
    ['samples generated', c.generated],
    ['samples verified', c.verified],
    ['tools generated', c.toolsGenerated],
    ['candidates scored (pass@k)', c.candidates],
    ['samples selected', c.selected],
    ['training examples: tool invocation', c.trained.invocation],
    ['training examples: tool generation', c.trained.tool_generation],
    ['training examples: doc adaption', c.trained.doc_adaption],
    ['training examples: self-refinement', c.trained.refinement],
  ];
  text += counts.map(([k, v]) => `| ${k} | ${v} |`).join('\n') + '\n';
  // Counts above and the numbers behind each accuracy are not repeated as metrics of their own.
  const shown = metrics.filter(
    (m) => !['samples_generated', 'samples_verified', 'samples_selected', 'candidates', 'mix', 'correct', 'items'].includes(m.name),
  );
  if (shown.length) {
    text += '\n| metric | scope | value |\n| --- | --- | ---: |\n';
    text +=
      shown
        .map((m) => {
          const correct = m.name === 'accuracy' ? value('correct', m.category) : undefined;
          const items = m.name === 'accuracy' ? value('items', m.category) : undefined;
          const counted = correct !== undefined && items !== undefined ? ` (${correct}/${items})` : '';
          return `| ${metricLabel(m.name)} | ${metricScope(m.name, m.category)} | ${formatMetric(m.name, m.value)}${counted} |`;
        })
        .join('\n') + '\n';
  }
  return text;
}

function describeModel(m: ModelRecord): string {
  return `${m.name} (#${m.id}, ${m.kind}${m.round ? `, ${roundName(m.round)}` : ''}${m.trainer ? `, trained by ${m.trainer}` : ''})`;
}

function modelCard(db: Db, modelsDir: string, model: ModelRecord, base: ModelRecord | null, files: string[]): string {
  const { ancestors } = modelLineage(db, modelsDir, model.id);
  const facts: [string, string | number | null][] = [
    ['kind', model.kind],
    ['architecture', model.architecture],
    ['parameters', model.parameters],
    ['quantization', model.quantization],
    ['context length', model.contextLength],
    ['file size (bytes)', model.sizeBytes],
    ['sha256', model.sha256],
    ['trainer', model.trainer],
    ['created', model.createdAt],
  ];
  const training = (model.metadata as { training?: Record<string, unknown> }).training;
  return `---
library_name: gguf
tags:
- gguf
- tool-use
- function-calling
- toolsmith
${base ? `base_model: ${JSON.stringify(base.name)}\n` : ''}---

# ${model.name}

${model.kind === 'adapter' && base ? `A GGUF LoRA adapter for **${base.name}** (base file \`${path.basename(base.path)}\`, sha256 \`${base.sha256 ?? '?'}\`): load the base and apply the adapter.` : 'A GGUF model exported from Toolsmith.'}

Files: ${files.map((f) => `\`${f}\``).join(', ')}.

${facts
  .filter(([, v]) => v !== null && v !== undefined)
  .map(([k, v]) => `- ${k}: ${v}`)
  .join('\n')}

## Lineage

${[model, ...ancestors].map((m, i) => `${'  '.repeat(i)}- ${describeModel(m)}`).join('\n')}
${training ? `\nTraining: \`${JSON.stringify(training)}\`\n` : ''}
## Evaluation

${evaluationSection(db, model)}
## Use

- Ollama: \`ollama create ${safeName(model.name)} -f Modelfile\`
- llama.cpp: \`llama-server -m ${base ? `${base.path} --lora ` : ''}${files[0]}\`
- LM Studio: copy ${base ? 'the base GGUF and the adapter' : 'the GGUF'} into its models folder.
`;
}

export async function exportModel(db: Db, modelsDir: string, options: ModelExportOptions): Promise<ModelExportResult> {
  const model = getModel(db, modelsDir, options.model);
  const out = path.resolve(options.out);
  await fsp.mkdir(out, { recursive: true });
  recordOutputDir(db, out);
  const isAdapter = model.kind === 'adapter' || model.adapterFile !== null;
  const adapterPath = isAdapter ? (model.kind === 'adapter' ? model.path : model.adapterFile!) : null;
  let base: ModelRecord | null = null;
  if (isAdapter) {
    base = model.parentId !== null ? (findModel(db, modelsDir, model.parentId) ?? null) : null;
    if (!base)
      throw new ApiError(
        'not_found',
        `${model.name} is a LoRA adapter, but its base model is not in the registry: register the base and set it as the adapter's parent.`,
      );
  }
  const source = adapterPath ?? model.path;
  if (!fs.existsSync(source)) throw new ApiError('bad_file', `${model.name}: its file ${source} is missing.`);
  const fileName = `${safeName(model.name)}${isAdapter ? '.lora' : ''}.gguf`;
  const files: ModelExportResult['files'] = [];
  const bytes = await copyInto(source, path.join(out, fileName));
  files.push({ file: path.join(out, fileName), bytes });
  if (options.ollama ?? true) {
    const from = base ? base.path : `./${fileName}`;
    const text = modelfile(from, base ? `./${fileName}` : null, (base ?? model).chatTemplate, describeModel(model));
    fs.writeFileSync(path.join(out, 'Modelfile'), text);
    files.push({ file: path.join(out, 'Modelfile'), bytes: Buffer.byteLength(text) });
  }
  const card = modelCard(db, modelsDir, model, base, [fileName]);
  fs.writeFileSync(path.join(out, 'README.md'), card);
  files.push({ file: path.join(out, 'README.md'), bytes: Buffer.byteLength(card) });
  return { model: model.name, out, files, base: base ? { name: base.name, file: base.path, sha256: base.sha256 } : null };
}
