/**
 * GGUF's value types and ggml's tensor types, as defined by llama.cpp (ggml/include/ggml.h, gguf.h).
 * Block sizes and bytes per block come from ggml/src/ggml.c's type traits, so that a header-only reader can
 * tell how large each tensor's data is (and so whether a file is truncated).
 */

export const GGUF_MAGIC = 0x46554747; // "GGUF" little-endian
export const GGUF_DEFAULT_ALIGNMENT = 32;

export enum GgufValueType {
  UINT8 = 0,
  INT8 = 1,
  UINT16 = 2,
  INT16 = 3,
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  UINT64 = 10,
  INT64 = 11,
  FLOAT64 = 12,
}

export enum GgmlType {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q8_1 = 9,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  Q8_K = 15,
  IQ2_XXS = 16,
  IQ2_XS = 17,
  IQ3_XXS = 18,
  IQ1_S = 19,
  IQ4_NL = 20,
  IQ3_S = 21,
  IQ2_S = 22,
  IQ4_XS = 23,
  I8 = 24,
  I16 = 25,
  I32 = 26,
  I64 = 27,
  F64 = 28,
  IQ1_M = 29,
  BF16 = 30,
  TQ1_0 = 34,
  TQ2_0 = 35,
  MXFP4 = 39,
  NVFP4 = 40,
  Q1_0 = 41,
  Q2_0 = 42,
}

const QK_K = 256;

/** [elements per block, bytes per block] for every tensor type this reader knows. */
const TYPE_TRAITS: Record<number, readonly [number, number]> = {
  [GgmlType.F32]: [1, 4],
  [GgmlType.F16]: [1, 2],
  [GgmlType.Q4_0]: [32, 18],
  [GgmlType.Q4_1]: [32, 20],
  [GgmlType.Q5_0]: [32, 22],
  [GgmlType.Q5_1]: [32, 24],
  [GgmlType.Q8_0]: [32, 34],
  [GgmlType.Q8_1]: [32, 36],
  [GgmlType.Q2_K]: [QK_K, 84],
  [GgmlType.Q3_K]: [QK_K, 110],
  [GgmlType.Q4_K]: [QK_K, 144],
  [GgmlType.Q5_K]: [QK_K, 176],
  [GgmlType.Q6_K]: [QK_K, 210],
  [GgmlType.Q8_K]: [QK_K, 292],
  [GgmlType.IQ2_XXS]: [QK_K, 66],
  [GgmlType.IQ2_XS]: [QK_K, 74],
  [GgmlType.IQ3_XXS]: [QK_K, 98],
  [GgmlType.IQ1_S]: [QK_K, 50],
  [GgmlType.IQ4_NL]: [32, 18],
  [GgmlType.IQ3_S]: [QK_K, 110],
  [GgmlType.IQ2_S]: [QK_K, 82],
  [GgmlType.IQ4_XS]: [QK_K, 136],
  [GgmlType.I8]: [1, 1],
  [GgmlType.I16]: [1, 2],
  [GgmlType.I32]: [1, 4],
  [GgmlType.I64]: [1, 8],
  [GgmlType.F64]: [1, 8],
  [GgmlType.IQ1_M]: [QK_K, 56],
  [GgmlType.BF16]: [1, 2],
  [GgmlType.TQ1_0]: [QK_K, 54],
  [GgmlType.TQ2_0]: [QK_K, 66],
  [GgmlType.MXFP4]: [32, 17],
  [GgmlType.NVFP4]: [64, 36],
  [GgmlType.Q1_0]: [128, 18],
  [GgmlType.Q2_0]: [64, 18],
};

export function ggmlTypeName(type: number): string {
  return GgmlType[type] ?? `type${type}`;
}

export function isKnownGgmlType(type: number): boolean {
  return TYPE_TRAITS[type] !== undefined;
}

/** Bytes of a tensor's data; undefined for a type this reader does not know. */
export function tensorByteSize(type: number, dims: readonly number[]): number | undefined {
  const traits = TYPE_TRAITS[type];
  if (!traits) return undefined;
  const [block, bytes] = traits;
  const elements = dims.reduce((a, b) => a * b, 1);
  return Math.ceil(elements / block) * bytes;
}

/** llama.cpp's `general.file_type` values (enum llama_ftype), for display. */
export const FILE_TYPE_NAMES: Record<number, string> = {
  0: 'F32',
  1: 'F16',
  2: 'Q4_0',
  3: 'Q4_1',
  7: 'Q8_0',
  8: 'Q5_0',
  9: 'Q5_1',
  10: 'Q2_K',
  11: 'Q3_K_S',
  12: 'Q3_K_M',
  13: 'Q3_K_L',
  14: 'Q4_K_S',
  15: 'Q4_K_M',
  16: 'Q5_K_S',
  17: 'Q5_K_M',
  18: 'Q6_K',
  19: 'IQ2_XXS',
  20: 'IQ2_XS',
  21: 'Q2_K_S',
  22: 'IQ3_XS',
  23: 'IQ3_XXS',
  24: 'IQ1_S',
  25: 'IQ4_NL',
  26: 'IQ3_S',
  27: 'IQ3_M',
  28: 'IQ2_S',
  29: 'IQ2_M',
  30: 'IQ4_XS',
  31: 'IQ1_M',
  32: 'BF16',
  36: 'TQ1_0',
  37: 'TQ2_0',
  38: 'MXFP4_MOE',
};

export interface TensorInfo {
  name: string;
  /** ggml order: dims[0] is the fastest-varying (row length). */
  dims: number[];
  type: number;
  /** Offset of the data relative to the start of the tensor-data section. */
  offset: number;
  /** Bytes of the data, when the type is known. */
  size?: number;
}

/** A metadata value with its GGUF type, for writing (and for exact round trips of what was read). */
export type TypedValue =
  | { type: Exclude<GgufValueType, GgufValueType.ARRAY>; value: unknown }
  | { type: GgufValueType.ARRAY; itemType: GgufValueType; value: unknown[] };
