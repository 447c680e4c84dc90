import { z } from 'zod';
import { method } from './define';
import { InvocationCategory, SampleFilter, SampleStatus } from './samples';

/** Data formats Toolsmith reads and writes. `hf` is a Hugging Face dataset folder of any of the others. */
export const DataFormat = z.enum(['openai', 'sharegpt', 'llamafactory', 'hermes', 'xlam', 'bfcl', 'mlx', 'hf']);
export type DataFormat = z.infer<typeof DataFormat>;

/** Formats `formats.export` writes (every readable one: an export can always be imported again). */
export const ExportFormat = DataFormat;
export type ExportFormat = z.infer<typeof ExportFormat>;

export const ImportMode = z.enum(['none', 'valid']);
export type ImportMode = z.infer<typeof ImportMode>;

/** A record that could not be imported: where (file:line, field path) and why. */
export const RecordProblem = z.object({
  file: z.string(),
  line: z.number().int(),
  /** Field path inside the record (`messages[2].tool_calls[0].function.arguments`), '' for the whole line. */
  path: z.string(),
  reason: z.string(),
});
export type RecordProblem = z.infer<typeof RecordProblem>;

export const FormatInfo = z.object({
  id: DataFormat,
  label: z.string(),
  /** Files written by an export, in words (`train.jsonl, valid.jsonl, test.jsonl`). */
  writes: z.string(),
});
export type FormatInfo = z.infer<typeof FormatInfo>;

/** One record as it would be imported, for the preview in the import dialog. */
export const PreviewSample = z.object({
  file: z.string(),
  line: z.number().int(),
  category: InvocationCategory,
  query: z.string(),
  tools: z.array(z.string()),
  output: z.string(),
  turns: z.number().int(),
});
export type PreviewSample = z.infer<typeof PreviewSample>;

export const DetectResult = z.object({
  format: DataFormat,
  /** For `hf` folders: the format of the data files inside. */
  innerFormat: DataFormat.nullable(),
  /** 0…1: the share of the first records that fit the format. */
  confidence: z.number(),
  /** Every format that fits at least one record, best first. */
  candidates: z.array(z.object({ format: DataFormat, score: z.number() })),
  files: z.array(z.object({ file: z.string(), split: z.string().nullable() })),
  preview: z.array(PreviewSample),
  problems: z.array(RecordProblem),
});
export type DetectResult = z.infer<typeof DetectResult>;

export const ImportInput = z.object({
  /** A file (JSONL or a JSON array) or a Hugging Face dataset folder. */
  path: z.string().min(1),
  /** Detected from the first records when absent. */
  format: DataFormat.optional(),
  /** BFCL: the possible-answer file that goes with the questions. */
  answers: z.string().min(1).optional(),
  /** When some records are malformed: store none of the file, or only the valid records. */
  mode: ImportMode.default('none'),
  /** Status of the imported samples. */
  status: SampleStatus.default('candidate'),
  /** Cap on the problems listed in the result (all are counted). */
  maxProblems: z.number().int().positive().max(100_000).default(1000),
});
export type ImportInput = z.input<typeof ImportInput>;

export const ImportResult = z.object({
  importId: z.number().int(),
  format: DataFormat,
  innerFormat: DataFormat.nullable(),
  detected: z.boolean(),
  state: z.enum(['done', 'rejected', 'cancelled']),
  files: z.array(z.string()),
  /** Records read (lines, array elements). */
  records: z.number().int(),
  /** Samples built from valid records (a conversation can give several). */
  samples: z.number().int(),
  stored: z.number().int(),
  /** Samples already in the workspace (same query, tools and calls), not stored again. */
  duplicates: z.number().int(),
  problemCount: z.number().int(),
  problems: z.array(RecordProblem),
  byCategory: z.record(z.string(), z.number().int()),
});
export type ImportResult = z.infer<typeof ImportResult>;

export const ImportProgress = z.object({
  importId: z.number().int(),
  phase: z.enum(['reading', 'storing', 'done']),
  file: z.string(),
  records: z.number().int(),
  samples: z.number().int(),
  problems: z.number().int(),
  bytesRead: z.number(),
  totalBytes: z.number(),
});
export type ImportProgress = z.infer<typeof ImportProgress>;

export const ExportInput = z.object({
  format: ExportFormat,
  /** Folder to write into (created when missing). */
  out: z.string().min(1),
  filter: SampleFilter.default({}),
  /** hf / mlx: shares of train / validation / test for samples that carry no `split:` tag. */
  splits: z
    .object({ train: z.number().min(0), validation: z.number().min(0), test: z.number().min(0) })
    .refine((s) => s.train + s.validation + s.test > 0, 'the shares must not all be 0')
    .default({ train: 0.8, validation: 0.1, test: 0.1 }),
  /** hf: the licence written in the dataset card (an SPDX id or Hub licence name). */
  license: z.string().min(1).default('other'),
  /** Name of the dataset (file names, dataset_info.json entry, card title). */
  name: z
    .string()
    .regex(/^[A-Za-z0-9][\w.-]*$/, 'letters, digits, ".", "_" and "-" only')
    .default('toolsmith'),
});
export type ExportInput = z.input<typeof ExportInput>;

export const ExportResult = z.object({
  format: ExportFormat,
  out: z.string(),
  files: z.array(z.object({ file: z.string(), records: z.number().int() })),
  samples: z.number().int(),
  /** Samples that are not invocation samples, or that the format cannot hold, with the reason (first 1000). */
  skipped: z.array(z.object({ id: z.number().int(), reason: z.string() })),
  skippedCount: z.number().int(),
});
export type ExportResult = z.infer<typeof ExportResult>;

export const ModelExportInput = z.object({
  /** Registry name or id. */
  model: z.union([z.string().min(1), z.number().int().positive()]),
  out: z.string().min(1),
  /** Also write an Ollama Modelfile (FROM + ADAPTER + TEMPLATE). */
  ollama: z.boolean().default(true),
});

export const ModelExportResult = z.object({
  model: z.string(),
  out: z.string(),
  files: z.array(z.object({ file: z.string(), bytes: z.number().int() })),
  /** For a LoRA adapter: the base model it applies to. */
  base: z.object({ name: z.string(), file: z.string(), sha256: z.string().nullable() }).nullable(),
});
export type ModelExportResult = z.infer<typeof ModelExportResult>;

export const formatsMethods = {
  'formats.list': method(
    z.object({}).default({}),
    z.object({ items: z.array(FormatInfo) }),
    'Data formats that can be imported and exported.',
  ),
  'formats.detect': method(
    z.object({ path: z.string().min(1), answers: z.string().min(1).optional(), previewCount: z.number().int().min(0).max(100).default(5) }),
    DetectResult,
    'Detect the format of a data file or dataset folder from its first records, with a preview.',
  ),
  'formats.import': method(ImportInput, ImportResult, 'Import tool-use samples from a file or dataset folder.'),
  'formats.cancelImport': method(
    z.object({ importId: z.number().int().optional() }),
    z.object({ cancelled: z.array(z.number().int()) }),
    'Cancel a running import (all running imports when no id is given); nothing of it is stored.',
  ),
  'formats.export': method(ExportInput, ExportResult, 'Export a selection of samples as training or evaluation data.'),
  'formats.exportModel': method(
    ModelExportInput,
    ModelExportResult,
    'Export a registry model: its GGUF (or LoRA adapter with the base named), an Ollama Modelfile and a model card.',
  ),
} as const;

export const formatsEvents = {
  'formats.importProgress': ImportProgress,
} as const;
