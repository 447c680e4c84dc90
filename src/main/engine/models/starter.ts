import { GgmlType, GgufValueType } from '../lib/gguf/types';
import { gguf, writeGguf, type TensorToWrite } from '../lib/gguf/write';
import { seededRandom } from '../lib/random';

/**
 * The starter model: a tiny llama-architecture GGUF that Toolsmith writes itself, offline, in well under a
 * second. Seeded and deterministic (same options → same bytes). Its weights are random: training it to emit
 * calls is the trainer's job; this module only fixes its shape, vocabulary and chat template.
 */

export interface StarterModelOptions {
  seed?: number;
  embedding?: number;
  layers?: number;
  heads?: number;
  /** Feed-forward width. */
  feedForward?: number;
  contextLength?: number;
  /** F32 (default; what llama.cpp's own trainer needs) or F16. */
  dtype?: 'f32' | 'f16';
  /** Standard deviation of the random weights. */
  initStd?: number;
  name?: string;
}

export const STARTER_DEFAULTS = {
  seed: 1,
  embedding: 192,
  layers: 4,
  heads: 6,
  feedForward: 512,
  contextLength: 2048,
  dtype: 'f32',
  initStd: 0.02,
  name: 'toolsmith-starter',
} as const satisfies Required<StarterModelOptions>;

/**
 * The starter model's chat template. Plain-text markers (its vocabulary has no special tokens besides
 * BOS/EOS); the tools section lists each tool as JSON; an assistant turn ends with EOS so that generation
 * stops there.
 */
export const STARTER_CHAT_TEMPLATE = [
  '{{- bos_token }}',
  "{%- if tools %}{{- '<tools>\\n' }}",
  "{%- for tool in tools %}{{- tool.function | tojson }}{{- '\\n' }}{%- endfor %}",
  "{{- '</tools>\\n' }}{%- endif %}",
  '{%- for message in messages %}',
  "{%- if message.role == 'system' %}{{- '<system>' + message.content + '\\n' }}",
  "{%- elif message.role == 'user' %}{{- '<user>' + message.content + '\\n' }}",
  "{%- elif message.role == 'assistant' %}{{- '<assistant>' + message.content + eos_token + '\\n' }}",
  "{%- elif message.role == 'tool' %}{{- '<result>' + message.content + '\\n' }}",
  '{%- endif %}',
  '{%- endfor %}',
  "{%- if add_generation_prompt %}{{- '<assistant>' }}{%- endif %}",
].join('');

// SentencePiece token types (llama.cpp's llama_token_type).
const NORMAL = 1;
const UNKNOWN = 2;
const CONTROL = 3;
const BYTE = 6;

export interface StarterVocab {
  tokens: string[];
  scores: number[];
  types: number[];
}

/**
 * Character-level SentencePiece-style vocabulary: <unk>, <s>, </s>, the 256 byte-fallback tokens
 * <0x00>…<0xFF>, "▁" for the space and every printable ASCII character. Anything else (newlines, accents,
 * emoji) is spelled with byte tokens.
 */
export function starterVocab(): StarterVocab {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [UNKNOWN, CONTROL, CONTROL];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(BYTE);
  }
  tokens.push('\u2581');
  types.push(NORMAL);
  for (let c = 0x21; c <= 0x7e; c++) {
    tokens.push(String.fromCharCode(c));
    types.push(NORMAL);
  }
  // Scores only order merges; single characters never merge, so they are all equal.
  const scores = tokens.map((_, i) => (types[i] === NORMAL ? -1 : 0));
  return { tokens, scores, types };
}

const rng = seededRandom;

function normal(random: () => number, std: number, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = Math.max(random(), 1e-12);
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

export interface StarterModelInfo {
  file: string;
  bytes: number;
  parameters: number;
  vocabSize: number;
  options: Required<StarterModelOptions>;
}

/** Writes the starter model to `file` (atomically) and says what it wrote. */
export async function createStarterModel(file: string, options: StarterModelOptions = {}): Promise<StarterModelInfo> {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o: Required<StarterModelOptions> = { ...STARTER_DEFAULTS, ...given };
  if (o.embedding % o.heads !== 0) throw new Error(`Starter model: embedding (${o.embedding}) must be a multiple of heads (${o.heads})`);
  const headDim = o.embedding / o.heads;
  if (headDim % 2 !== 0) throw new Error(`Starter model: embedding / heads (${headDim}) must be even for RoPE`);
  for (const [k, v] of Object.entries({
    embedding: o.embedding,
    layers: o.layers,
    heads: o.heads,
    feedForward: o.feedForward,
    contextLength: o.contextLength,
  })) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`Starter model: ${k} must be a positive integer, got ${v}`);
  }
  const vocab = starterVocab();
  const nVocab = vocab.tokens.length;
  const random = rng(o.seed);
  const type = o.dtype === 'f16' ? GgmlType.F16 : GgmlType.F32;
  const tensors: TensorToWrite[] = [];
  let parameters = 0;
  const weight = (name: string, dims: number[], fill?: number) => {
    const n = dims.reduce((a, b) => a * b, 1);
    parameters += n;
    // Norm weights stay F32 (llama.cpp keeps 1-D tensors in F32 even in F16 files).
    const isNorm = fill !== undefined;
    tensors.push({
      name,
      dims,
      type: isNorm ? GgmlType.F32 : type,
      data: isNorm ? new Float32Array(n).fill(fill) : normal(random, o.initStd, n),
    });
  };
  const e = o.embedding;
  weight('token_embd.weight', [e, nVocab]);
  for (let l = 0; l < o.layers; l++) {
    weight(`blk.${l}.attn_norm.weight`, [e], 1);
    weight(`blk.${l}.attn_q.weight`, [e, e]);
    weight(`blk.${l}.attn_k.weight`, [e, e]);
    weight(`blk.${l}.attn_v.weight`, [e, e]);
    weight(`blk.${l}.attn_output.weight`, [e, e]);
    weight(`blk.${l}.ffn_norm.weight`, [e], 1);
    weight(`blk.${l}.ffn_gate.weight`, [e, o.feedForward]);
    weight(`blk.${l}.ffn_up.weight`, [e, o.feedForward]);
    weight(`blk.${l}.ffn_down.weight`, [o.feedForward, e]);
  }
  weight('output_norm.weight', [e], 1);
  weight('output.weight', [e, nVocab]);

  const metadata: Record<string, unknown> = {
    'general.architecture': 'llama',
    'general.name': o.name,
    'general.description': 'Toolsmith starter model (random weights, character-level vocabulary)',
    'general.file_type': gguf.u32(o.dtype === 'f16' ? 1 : 0),
    'llama.context_length': gguf.u32(o.contextLength),
    'llama.embedding_length': gguf.u32(e),
    'llama.block_count': gguf.u32(o.layers),
    'llama.feed_forward_length': gguf.u32(o.feedForward),
    'llama.attention.head_count': gguf.u32(o.heads),
    'llama.attention.head_count_kv': gguf.u32(o.heads),
    'llama.rope.dimension_count': gguf.u32(headDim),
    'llama.rope.freq_base': gguf.f32(10000),
    'llama.attention.layer_norm_rms_epsilon': gguf.f32(1e-5),
    'llama.vocab_size': gguf.u32(nVocab),
    'tokenizer.ggml.model': 'llama',
    'tokenizer.ggml.tokens': gguf.array(GgufValueType.STRING, vocab.tokens),
    'tokenizer.ggml.scores': gguf.array(GgufValueType.FLOAT32, vocab.scores),
    'tokenizer.ggml.token_type': gguf.array(GgufValueType.INT32, vocab.types),
    'tokenizer.ggml.unknown_token_id': gguf.u32(0),
    'tokenizer.ggml.bos_token_id': gguf.u32(1),
    'tokenizer.ggml.eos_token_id': gguf.u32(2),
    'tokenizer.ggml.add_bos_token': true,
    'tokenizer.ggml.add_eos_token': false,
    // No "▁" in front of every tokenized text: round trips are exact and segments tokenize independently.
    'tokenizer.ggml.add_space_prefix': false,
    'tokenizer.chat_template': STARTER_CHAT_TEMPLATE,
    'toolsmith.starter.seed': gguf.u32(o.seed),
  };
  const { bytes } = await writeGguf(file, { metadata, tensors });
  return { file, bytes, parameters, vocabSize: nVocab, options: o };
}
