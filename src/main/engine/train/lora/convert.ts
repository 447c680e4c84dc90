import fs from 'node:fs/promises';
import path from 'node:path';
import { readGguf, metaNumber, metaString } from '../../lib/gguf/read';
import { gguf, writeGguf, type TensorToWrite } from '../../lib/gguf/write';
import { GgmlType } from '../../lib/gguf/types';
import { readSafetensors, type SafeTensor } from './safetensors';

/**
 * Writes a LoRA adapter (PEFT or MLX-LM, as safetensors) as a GGUF LoRA adapter that llama.cpp (and so
 * node-llama-cpp) applies on top of the base GGUF. Tensor names are mapped from the HF names of the
 * llama, mistral and qwen2 families to llama.cpp's; for the llama-style rope (llama, mistral) the rows of
 * the q/k `lora_b` are permuted exactly as convert_hf_to_gguf.py permutes q/k weights.
 */

const HF_TO_GGUF: Record<string, string> = {
  'self_attn.q_proj': 'attn_q',
  'self_attn.k_proj': 'attn_k',
  'self_attn.v_proj': 'attn_v',
  'self_attn.o_proj': 'attn_output',
  'mlp.gate_proj': 'ffn_gate',
  'mlp.up_proj': 'ffn_up',
  'mlp.down_proj': 'ffn_down',
};

/** "base_model.model.model.layers.3.self_attn.q_proj" → "blk.3.attn_q.weight" (or undefined). */
export function ggufNameFor(hfModule: string): string | undefined {
  if (/(^|\.)lm_head$/.test(hfModule)) return 'output.weight';
  const m = /(?:^|\.)layers\.(\d+)\.(self_attn\.[a-z_]+|mlp\.[a-z_]+)$/.exec(hfModule);
  if (!m) return undefined;
  const kind = HF_TO_GGUF[m[2]!];
  return kind ? `blk.${m[1]}.${kind}.weight` : undefined;
}

/** convert_hf_to_gguf.py's permute(): rows regrouped per head as (2, d/2) → (d/2, 2). */
export function permuteRows(data: Float32Array, rows: number, cols: number, nHead: number): Float32Array {
  const out = new Float32Array(data.length);
  const half = rows / nHead / 2;
  for (let h = 0; h < nHead; h++) {
    for (let a = 0; a < 2; a++) {
      for (let b = 0; b < half; b++) {
        const src = h * 2 * half + a * half + b; // (h, a, b) in the HF layout
        const dst = h * 2 * half + b * 2 + a; // (h, b, a) in the GGUF layout
        out.set(data.subarray(src * cols, (src + 1) * cols), dst * cols);
      }
    }
  }
  return out;
}

interface Pair {
  a?: SafeTensor;
  b?: SafeTensor;
}

export interface AdapterInfo {
  rank: number;
  alpha: number;
  tensors: number;
}

/** Converts a PEFT or MLX-LM adapter folder to a GGUF LoRA adapter at `output` (atomic write). */
export async function convertAdapterDirToGguf(
  dir: string,
  format: 'peft' | 'mlx',
  baseModel: string,
  output: string,
): Promise<AdapterInfo> {
  const weightsFile = path.join(dir, format === 'peft' ? 'adapter_model.safetensors' : 'adapters.safetensors');
  const configFile = path.join(dir, format === 'peft' ? 'adapter_config.json' : 'adapter_config.json');
  const config = JSON.parse(
    await fs.readFile(configFile, 'utf8').catch(() => {
      throw new Error(`${configFile}: missing (the trainer did not write an adapter config)`);
    }),
  ) as Record<string, unknown>;
  const { tensors } = await readSafetensors(weightsFile);
  const base = await readGguf(baseModel);
  const arch = metaString(base.metadata, 'general.architecture');
  if (!arch) throw new Error(`${baseModel}: no general.architecture`);
  const nHead = metaNumber(base.metadata, `${arch}.attention.head_count`) ?? 0;
  const nHeadKv = metaNumber(base.metadata, `${arch}.attention.head_count_kv`) ?? nHead;
  const baseShapes = new Map(base.tensors.map((t) => [t.name, t.dims]));

  let rank: number;
  let alpha: number;
  if (format === 'peft') {
    rank = Number(config.r);
    alpha = Number(config.lora_alpha ?? rank);
  } else {
    const p = (config.lora_parameters ?? {}) as Record<string, unknown>;
    rank = Number(p.rank ?? 8);
    alpha = Number(p.scale ?? 20) * rank; // MLX: delta = scale · B·A; llama.cpp: (alpha / rank) · B·A
  }
  if (!(rank > 0) || !(alpha > 0)) throw new Error(`${configFile}: cannot read the LoRA rank/alpha`);

  const pairs = new Map<string, Pair>();
  for (const t of tensors) {
    const m = format === 'peft' ? /^(.*)\.lora_([AB])\.weight$/.exec(t.name) : /^(.*)\.lora_([ab])$/.exec(t.name);
    if (!m) continue;
    const target = ggufNameFor(m[1]!);
    if (!target)
      throw new Error(`${weightsFile}: no llama.cpp tensor for LoRA module ${m[1]} (supported: attention and MLP projections, lm_head)`);
    const pair = pairs.get(target) ?? {};
    const isA = m[2]!.toLowerCase() === 'a';
    // PEFT stores A as [r, in] and B as [out, r]; MLX-LM stores the transposes ([in, r] and [r, out]).
    const t2 = format === 'mlx' ? transpose(t) : t;
    if (isA) pair.a = t2;
    else pair.b = t2;
    pairs.set(target, pair);
  }
  if (!pairs.size) throw new Error(`${weightsFile}: no LoRA tensors found`);

  const out: TensorToWrite[] = [];
  for (const [name, { a, b }] of [...pairs.entries()].sort(([x], [y]) => x.localeCompare(y))) {
    if (!a || !b) throw new Error(`${weightsFile}: LoRA pair for ${name} is missing its ${a ? 'B' : 'A'} matrix`);
    const [r, inDim] = a.shape as [number, number];
    const [outDim, r2] = b.shape as [number, number];
    if (r !== r2) throw new Error(`${weightsFile}: ${name}: A has rank ${r}, B has rank ${r2}`);
    const dims = baseShapes.get(name);
    if (!dims) throw new Error(`${baseModel}: has no tensor ${name} for the adapter`);
    if (dims[0] !== inDim || dims[1] !== outDim) {
      throw new Error(
        `${name}: the adapter is [${outDim} x ${inDim}] but the base tensor is [${dims[1]} x ${dims[0]}]: adapter and base do not match`,
      );
    }
    let bData = b.data;
    if ((arch === 'llama' || arch === 'mistral') && /\.attn_(q|k)\.weight$/.test(name)) {
      bData = permuteRows(bData, outDim, r, name.includes('attn_q') ? nHead : nHeadKv);
    }
    // GGUF dims are reversed: A [r, in] → ne [in, r]; B [out, r] → ne [r, out].
    out.push({ name: `${name}.lora_a`, dims: [inDim, r], type: GgmlType.F32, data: a.data });
    out.push({ name: `${name}.lora_b`, dims: [r, outDim], type: GgmlType.F32, data: bData });
  }
  await writeGguf(output, {
    metadata: {
      'general.architecture': arch,
      'general.type': 'adapter',
      'general.name': path.basename(output, '.gguf'),
      'adapter.type': 'lora',
      'adapter.lora.alpha': gguf.f32(alpha),
      'toolsmith.lora.rank': gguf.u32(rank),
    },
    tensors: out,
  });
  return { rank, alpha, tensors: out.length / 2 };
}

function transpose(t: SafeTensor): SafeTensor {
  const [rows, cols] = t.shape as [number, number];
  const data = new Float32Array(t.data.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[j * rows + i] = t.data[i * cols + j]!;
  return { name: t.name, shape: [cols, rows], data };
}
