import fs from 'node:fs/promises';
import { readGguf } from './read';
import { GgmlType } from './types';
import { writeGguf, type TensorToWrite } from './write';

/**
 * Writes a copy of a GGUF whose named tensors are replaced by new F32 values: the metadata (architecture,
 * vocabulary, chat template) and every other tensor are the base's. This is how a fully fine-tuned model
 * comes back from a trainer that only knows the weights. The base must be F32/F16 (what the starter and
 * the trainers write); shapes must match exactly, and every replacement must name a tensor of the base.
 */
export async function writeGgufWithTensors(
  base: string,
  replacements: ReadonlyMap<string, { data: Float32Array; /** PyTorch order (rows first). */ shape: readonly number[] }>,
  output: string,
  extraMetadata: Record<string, unknown> = {},
): Promise<{ bytes: number; replaced: number }> {
  const info = await readGguf(base);
  const known = new Set(info.tensors.map((t) => t.name));
  for (const name of replacements.keys()) {
    if (!known.has(name)) throw new Error(`${base}: has no tensor "${name}" to replace (the trained weights do not fit this model)`);
  }
  const fh = await fs.open(base, 'r');
  const tensors: TensorToWrite[] = [];
  try {
    for (const t of info.tensors) {
      const elements = t.dims.reduce((a, b) => a * b, 1);
      const fresh = replacements.get(t.name);
      if (fresh) {
        const dims = [...fresh.shape].reverse();
        if (dims.length !== t.dims.length || dims.some((d, i) => d !== t.dims[i]) || fresh.data.length !== elements) {
          throw new Error(`tensor "${t.name}": the trained weights are [${dims.join(', ')}], the base's [${t.dims.join(', ')}]`);
        }
        tensors.push({ name: t.name, dims: t.dims, type: GgmlType.F32, data: fresh.data });
        continue;
      }
      if (t.type !== GgmlType.F32 && t.type !== GgmlType.F16) {
        throw new Error(`${base}: tensor "${t.name}" is quantised; only F32/F16 bases can be rewritten`);
      }
      const width = t.type === GgmlType.F32 ? 4 : 2;
      const bytes = Buffer.alloc(elements * width);
      await fh.read(bytes, 0, bytes.length, info.dataOffset + t.offset);
      const data =
        t.type === GgmlType.F32
          ? new Float32Array(bytes.buffer, bytes.byteOffset, elements)
          : new Uint16Array(bytes.buffer, bytes.byteOffset, elements);
      tensors.push({ name: t.name, dims: t.dims, type: t.type, data });
    }
  } finally {
    await fh.close();
  }
  const metadata = { ...info.metadata, ...extraMetadata };
  delete metadata['general.alignment'];
  const { bytes } = await writeGguf(output, { metadata, types: info.types, tensors, alignment: info.alignment });
  return { bytes, replaced: replacements.size };
}
