import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readGguf } from '../../src/main/engine/lib/gguf/read';
import { GgmlType } from '../../src/main/engine/lib/gguf/types';
import { gguf, writeGguf, type TensorToWrite } from '../../src/main/engine/lib/gguf/write';
import { seededRandom } from '../../src/main/engine/lib/random';

/**
 * Real tokenizers for tests: the `models/ggml-vocab-*.gguf` files of the llama.cpp source that node-llama-cpp
 * ships as a git bundle. Extracted with git into a cache folder outside the repo (never committed), keyed by
 * the bundle's size and mtime, written under a temporary name and renamed so parallel test files agree.
 */
const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const LLAMA_BUNDLE = path.join(repoRoot, 'node_modules', 'node-llama-cpp', 'llama', 'gitRelease.bundle');

function cacheDir(): string {
  const stat = fs.statSync(LLAMA_BUNDLE);
  return path.join(os.tmpdir(), 'toolsmith-llama-src', `${stat.size}-${Math.floor(stat.mtimeMs)}`);
}

function gitDir(): string {
  const dir = path.join(cacheDir(), 'git');
  if (fs.existsSync(path.join(dir, 'HEAD'))) return dir;
  const temp = `${dir}.${process.pid}.tmp`;
  fs.rmSync(temp, { recursive: true, force: true });
  execFileSync('git', ['clone', '--quiet', '--bare', LLAMA_BUNDLE, temp], { stdio: 'pipe' });
  try {
    fs.renameSync(temp, dir);
  } catch {
    fs.rmSync(temp, { recursive: true, force: true }); // another worker won the race
  }
  return dir;
}

/** Every `models/ggml-vocab-*.gguf` in the bundle. */
export function listVocabFiles(): string[] {
  const out = execFileSync('git', ['--git-dir', gitDir(), 'ls-tree', '--name-only', 'HEAD', 'models/'], { encoding: 'utf8' });
  return out.split('\n').filter((f) => /^models\/ggml-vocab-.*\.gguf$/.test(f));
}

/** Extracts every vocabulary file at once (one `git archive`), returning their paths. */
export function extractAllVocab(): string[] {
  const files = listVocabFiles();
  const dir = path.join(cacheDir(), 'all-vocab');
  if (!fs.existsSync(dir)) {
    const temp = `${dir}.${process.pid}.tmp`;
    fs.rmSync(temp, { recursive: true, force: true });
    fs.mkdirSync(temp, { recursive: true });
    const tar = execFileSync('git', ['--git-dir', gitDir(), 'archive', '--format=tar', 'HEAD', ...files], { maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', temp], { input: tar });
    try {
      fs.renameSync(temp, dir);
    } catch {
      fs.rmSync(temp, { recursive: true, force: true });
    }
  }
  return files.map((f) => path.join(dir, f));
}

/** Path of one extracted vocabulary file, e.g. vocabFile('qwen2'). */
export function vocabFile(name: string): string {
  const target = path.join(cacheDir(), `ggml-vocab-${name}.gguf`);
  if (fs.existsSync(target)) return target;
  const bytes = execFileSync('git', ['--git-dir', gitDir(), 'show', `HEAD:models/ggml-vocab-${name}.gguf`], { maxBuffer: 1 << 30 });
  const temp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(temp, bytes);
  fs.renameSync(temp, target);
  return target;
}

/** A Qwen2.5-style chat template with its tools section (the shape of Qwen2.5-Instruct's own). */
export const QWEN_TOOLS_TEMPLATE = `{%- if tools %}
    {{- '<|im_start|>system\\n' }}
    {%- if messages[0]['role'] == 'system' %}
        {{- messages[0]['content'] }}
    {%- else %}
        {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}
    {%- endif %}
    {{- "\\n\\n# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\nYou are provided with function signatures within <tools></tools> XML tags:\\n<tools>" }}
    {%- for tool in tools %}
        {{- "\\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\"name\\": <function-name>, \\"arguments\\": <args-json-object>}\\n</tool_call><|im_end|>\\n" }}
{%- else %}
    {%- if messages[0]['role'] == 'system' %}
        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
    {%- else %}
        {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}
    {%- endif %}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant") %}
        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}
    {%- elif message.role == "tool" %}
        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\\n<tool_response>\\n' }}
        {{- message.content }}
        {{- '\\n</tool_response>' }}
        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
            {{- '<|im_end|>\\n' }}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
{%- endif %}
`;

const rng = seededRandom;

/**
 * A tiny random-weight qwen2-architecture model with the real qwen2 tokenizer (151,936 tokens) and a
 * Qwen-style tool-calling template. Cached per process in the vocab cache folder (deterministic bytes).
 */
export async function tinyQwen2Model(): Promise<string> {
  const file = path.join(cacheDir(), 'tiny-qwen2-tools-v1.gguf');
  if (fs.existsSync(file)) return file;
  const vocab = await readGguf(vocabFile('qwen2'));
  const metadata: Record<string, unknown> = {};
  const types: typeof vocab.types = {};
  for (const [k, v] of Object.entries(vocab.metadata)) {
    if (!k.startsWith('tokenizer.')) continue;
    metadata[k] = v;
    types[k] = vocab.types[k]!;
  }
  const nVocab = (vocab.metadata['tokenizer.ggml.tokens'] as unknown[]).length;
  const e = 32;
  const heads = 4;
  const kvHeads = 2;
  const ff = 64;
  const layers = 2;
  const kv = (e / heads) * kvHeads;
  Object.assign(metadata, {
    'general.architecture': 'qwen2',
    'general.name': 'tiny-qwen2-tools',
    'general.file_type': gguf.u32(1),
    'qwen2.block_count': gguf.u32(layers),
    'qwen2.context_length': gguf.u32(4096),
    'qwen2.embedding_length': gguf.u32(e),
    'qwen2.feed_forward_length': gguf.u32(ff),
    'qwen2.attention.head_count': gguf.u32(heads),
    'qwen2.attention.head_count_kv': gguf.u32(kvHeads),
    'qwen2.rope.freq_base': gguf.f32(1000000),
    'qwen2.attention.layer_norm_rms_epsilon': gguf.f32(1e-6),
    'tokenizer.chat_template': QWEN_TOOLS_TEMPLATE,
  });
  const random = rng(42);
  const randn = (n: number, std = 0.5) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = (random() * 2 - 1) * std * 1.7;
    return out;
  };
  const tensors: TensorToWrite[] = [];
  const add = (name: string, dims: number[], data?: Float32Array) => {
    const n = dims.reduce((a, b) => a * b, 1);
    tensors.push({ name, dims, type: dims.length > 1 ? GgmlType.F16 : GgmlType.F32, data: data ?? randn(n) });
  };
  add('token_embd.weight', [e, nVocab]);
  add('output_norm.weight', [e], new Float32Array(e).fill(1));
  for (let l = 0; l < layers; l++) {
    add(`blk.${l}.attn_norm.weight`, [e], new Float32Array(e).fill(1));
    add(`blk.${l}.attn_q.weight`, [e, e]);
    add(`blk.${l}.attn_q.bias`, [e]);
    add(`blk.${l}.attn_k.weight`, [e, kv]);
    add(`blk.${l}.attn_k.bias`, [kv]);
    add(`blk.${l}.attn_v.weight`, [e, kv]);
    add(`blk.${l}.attn_v.bias`, [kv]);
    add(`blk.${l}.attn_output.weight`, [e, e]);
    add(`blk.${l}.ffn_norm.weight`, [e], new Float32Array(e).fill(1));
    add(`blk.${l}.ffn_gate.weight`, [e, ff]);
    add(`blk.${l}.ffn_up.weight`, [e, ff]);
    add(`blk.${l}.ffn_down.weight`, [ff, e]);
  }
  await writeGguf(file, { metadata, types, tensors });
  return file;
}
