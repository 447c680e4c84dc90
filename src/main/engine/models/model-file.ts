import * as nodeLlamaCpp from 'node-llama-cpp';
import { ChatRenderError, chatTemplateFromMetadata } from '../inference/chat-render';
import { GgufError, metaNumber, metaString, readGguf, type GgufFile } from '../lib/gguf/read';
import { FILE_TYPE_NAMES, ggmlTypeName } from '../lib/gguf/types';

/** What a GGUF model file is, from its header: what the registry stores and the Models view shows. */
export interface ModelFileInfo {
  architecture: string;
  /** general.name, when set. */
  name: string | null;
  /** 'model' or 'adapter' (general.type, e.g. a LoRA adapter). */
  type: string;
  parameters: number;
  quantization: string;
  contextLength: number | null;
  embeddingLength: number | null;
  layers: number | null;
  heads: number | null;
  kvHeads: number | null;
  vocabSize: number | null;
  chatTemplate: string | null;
  templateHash: string;
  templateSource: 'model' | 'fallback';
  tensorCount: number;
  fileSize: number;
  ggufVersion: number;
}

/** Architectures the bundled llama.cpp can run (node-llama-cpp's list for its llama.cpp release). */
export const SUPPORTED_ARCHITECTURES: ReadonlySet<string> = new Set(
  // A const enum in the typings, a plain object at runtime.
  Object.values((nodeLlamaCpp as unknown as { GgufArchitectureType: Record<string, string> }).GgufArchitectureType).filter(
    (a) => typeof a === 'string' && !a.startsWith('('),
  ),
);

export class ModelFileError extends Error {
  constructor(
    readonly kind: GgufError['kind'] | 'unsupported_architecture',
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/** Largest count a header field may give (context length, layers, heads, vocabulary): 2^31 - 1. */
const MAX_COUNT = 2 ** 31 - 1;

export function describeGguf(header: GgufFile, file = 'the GGUF header'): ModelFileInfo {
  const meta = header.metadata;
  const arch = metaString(meta, 'general.architecture') ?? '';
  // Every number that becomes a column is a whole count in range: +Inf or 1e300 in `context_length` was
  // stored, and then every listing of models failed its contract.
  const key = (k: string): number | null => {
    const name = `${arch}.${k}`;
    const v = metaNumber(meta, name);
    if (v === undefined) return null;
    if (!Number.isSafeInteger(v) || v < 0 || v > MAX_COUNT)
      throw new GgufError('corrupt', file, `metadata "${name}" is ${String(meta[name])}, not a whole number from 0 to ${MAX_COUNT}`);
    return v;
  };
  const parameters = header.tensors.reduce((sum, t) => sum + t.dims.reduce((a, b) => a * b, 1), 0);
  if (!Number.isSafeInteger(parameters))
    throw new GgufError('corrupt', file, `the tensors hold ${parameters} parameters, more than can be counted`);
  const fileType = metaNumber(meta, 'general.file_type');
  let quantization = fileType !== undefined ? (FILE_TYPE_NAMES[fileType] ?? `file type ${fileType}`) : '';
  if (!quantization) {
    // No file type: name the type that holds most of the weights.
    const byType = new Map<number, number>();
    for (const t of header.tensors) byType.set(t.type, (byType.get(t.type) ?? 0) + t.dims.reduce((a, b) => a * b, 1));
    const top = [...byType].sort((a, b) => b[1] - a[1])[0];
    quantization = top ? ggmlTypeName(top[0]) : 'unknown';
  }
  const tokens = meta['tokenizer.ggml.tokens'];
  const template = chatTemplateFromMetadata(meta);
  return {
    architecture: arch,
    name: metaString(meta, 'general.name') ?? null,
    type: metaString(meta, 'general.type') ?? 'model',
    parameters,
    quantization,
    contextLength: key('context_length'),
    embeddingLength: key('embedding_length'),
    layers: key('block_count'),
    heads: key('attention.head_count'),
    kvHeads: key('attention.head_count_kv'),
    vocabSize: Array.isArray(tokens) ? tokens.length : key('vocab_size'),
    chatTemplate: template.source === 'model' ? template.template : null,
    templateHash: template.hash,
    templateSource: template.source,
    tensorCount: header.tensors.length,
    fileSize: header.fileSize,
    ggufVersion: header.version,
  };
}

/**
 * Reads and validates a model file: a GGUF (not truncated) with tensors, of an architecture the bundled
 * llama.cpp supports. Errors say what is wrong with which file.
 */
export async function inspectModelFile(file: string): Promise<ModelFileInfo> {
  let header: GgufFile;
  let info: ModelFileInfo;
  try {
    header = await readGguf(file);
    info = describeGguf(header, file);
  } catch (error) {
    if (error instanceof GgufError) throw new ModelFileError(error.kind, file, error.message);
    if (error instanceof ChatRenderError) throw new ModelFileError('corrupt', file, `${file}: ${error.message}`);
    throw error;
  }
  if (!info.architecture)
    throw new ModelFileError('corrupt', file, `${file}: general.architecture is missing, so this GGUF is not a model llama.cpp can load`);
  if (!SUPPORTED_ARCHITECTURES.has(info.architecture)) {
    throw new ModelFileError(
      'unsupported_architecture',
      file,
      `${file}: architecture "${info.architecture}" is not supported by the bundled llama.cpp`,
    );
  }
  if (info.tensorCount === 0)
    throw new ModelFileError('corrupt', file, `${file}: the file has no tensors (a vocabulary-only GGUF is not a model)`);
  return info;
}
