import fs from 'node:fs/promises';
import { plannedSteps, type ContractConfig, type DatasetLine } from '../contract';

/**
 * LLaMA-Factory's inputs. It cannot know the base's chat template (a GGUF's template is Toolsmith's, and
 * LLaMA-Factory's registered templates would render tools their own way), so it trains on the contract's
 * rendered texts: each text is cut at its learn spans into sharegpt turns (text before a span → "user",
 * the span → "assistant") and LLaMA-Factory's `empty` template joins them back verbatim. Its SFT masking
 * then takes the loss on exactly the spans, as the contract asks.
 */

export interface ShareGptRow {
  messages: { role: 'user' | 'assistant'; content: string }[];
}

/** One rendered row as alternating turns; the text after the last span is never learned and is dropped. */
export function spansToTurns(row: DatasetLine): ShareGptRow | undefined {
  const spans = [...row.spans].filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  const messages: ShareGptRow['messages'] = [];
  let at = 0;
  for (const [start, end] of spans) {
    const s = Math.max(start, at);
    if (end <= s) continue;
    const context = row.text.slice(at, s);
    const last = messages[messages.length - 1];
    // Adjacent spans are one assistant turn (a turn needs context before it, possibly empty).
    if (!context && last?.role === 'assistant') last.content += row.text.slice(s, end);
    else messages.push({ role: 'user', content: context }, { role: 'assistant', content: row.text.slice(s, end) });
    at = end;
  }
  return messages.length ? { messages } : undefined;
}

async function convertFile(file: string): Promise<string> {
  const rows: ShareGptRow[] = [];
  const lines = (await fs.readFile(file, 'utf8')).split('\n');
  for (const line of lines) {
    // A row without spans has nothing to learn (its loss would be empty), as in the python trainer.
    const turns = line.trim() ? spansToTurns(JSON.parse(line) as DatasetLine) : undefined;
    if (turns) rows.push(turns);
  }
  if (!rows.length) throw new Error(`${file}: no example has a learn span, so LLaMA-Factory would learn nothing`);
  return JSON.stringify(rows);
}

/** The files the `llama-factory` preset writes into the work folder: datasets, dataset_info.json, the config. */
export async function llamaFactoryFiles(c: ContractConfig): Promise<Record<string, string>> {
  if (!c.hf_model) {
    throw new Error(
      "spec.python.hfModel: the llama-factory preset needs an HF model folder with the base's weights (python/gguf_to_hf.py BASE.gguf DIR writes one)",
    );
  }
  const entry = (file: string) => ({
    file_name: file,
    formatting: 'sharegpt',
    columns: { messages: 'messages' },
    tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant' },
  });
  const files: Record<string, string> = { 'lf_train.json': await convertFile(c.dataset.train) };
  const info: Record<string, unknown> = { toolsmith_train: entry('lf_train.json') };
  if (c.dataset.validation) {
    files['lf_valid.json'] = await convertFile(c.dataset.validation);
    info.toolsmith_valid = entry('lf_valid.json');
  }
  files['dataset_info.json'] = JSON.stringify(info);
  const total = plannedSteps(c);
  files['llamafactory.yaml'] = toYaml({
    model_name_or_path: c.hf_model,
    stage: 'sft',
    do_train: true,
    finetuning_type: 'lora',
    lora_rank: c.lora?.rank ?? 8,
    lora_alpha: c.lora?.alpha ?? 16,
    lora_dropout: c.lora?.dropout ?? 0,
    lora_target: (c.lora?.target_modules ?? ['all']).join(','),
    dataset_dir: c.work_dir,
    dataset: 'toolsmith_train',
    template: 'empty',
    cutoff_len: c.hyper.context_length,
    overwrite_cache: true,
    output_dir: `${c.work_dir}/adapter`,
    overwrite_output_dir: true,
    save_strategy: 'no',
    per_device_train_batch_size: c.hyper.batch_size,
    learning_rate: c.hyper.learning_rate,
    num_train_epochs: c.hyper.epochs,
    max_steps: total,
    // Toolsmith's cosine ends at learning_rate × min_learning_rate_ratio; its linear (HF's too) ends at 0.
    ...(c.hyper.schedule === 'cosine'
      ? { lr_scheduler_type: 'cosine_with_min_lr', lr_scheduler_kwargs: { min_lr_rate: c.hyper.min_learning_rate_ratio } }
      : { lr_scheduler_type: c.hyper.schedule === 'constant' ? 'constant_with_warmup' : 'linear' }),
    warmup_steps: c.hyper.warmup_steps,
    weight_decay: c.hyper.weight_decay,
    optim: c.hyper.optimizer === 'sgd' ? 'sgd' : 'adamw_torch',
    logging_steps: 1,
    include_num_input_tokens_seen: 'non_padding',
    seed: c.hyper.seed,
    report_to: 'none',
    ...(c.dataset.validation
      ? {
          eval_dataset: 'toolsmith_valid',
          eval_strategy: 'steps',
          eval_steps: Math.max(1, Math.ceil(total / 4)),
          per_device_eval_batch_size: c.hyper.batch_size,
        }
      : {}),
  });
  return files;
}

/** YAML 1.1 reads "1e-05" as a string: exponent floats get a mantissa dot ("1.0e-05"). */
function yamlNumber(n: number): string {
  const s = String(n);
  return /e/i.test(s) && !s.includes('.') ? s.replace(/e/i, '.0e') : s;
}

/**
 * The config as a one-line YAML flow mapping. LLaMA-Factory 0.9.5 cannot read a .json config
 * (`json.load(Path(...))` raises AttributeError), so the preset hands it YAML.
 */
export function toYaml(value: unknown): string {
  if (typeof value === 'number') return yamlNumber(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(toYaml).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${JSON.stringify(k)}: ${toYaml(v)}`)
    .join(', ')}}`;
}
