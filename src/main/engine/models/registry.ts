import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { ApiError } from '../../../shared/contract/errors';
import type { Db } from '../db/open';
import { inspectModelFile, ModelFileError, type ModelFileInfo } from './model-file';
import {
  allModelRows,
  deleteModelRow,
  insertModelRow,
  modelExists,
  modelFileUsed,
  modelNameTaken,
  modelRowById,
  modelRowByName,
  setModelMetadata,
  setModelName,
  type ModelKind,
  type ModelRow,
} from './models-repo';

/**
 * The model registry: the `models` table plus files in the workspace's `models/` folder. Files arrive under
 * a temporary name and are renamed when complete; a row is written only for a validated, complete file,
 * in one transaction; a failed import leaves neither row nor file behind. Lineage: parent model, round,
 * adapter file, trainer.
 */

export type { ModelKind };

export interface ModelRecord {
  id: number;
  name: string;
  /** As stored: relative to the models folder when inside it, else absolute. */
  file: string;
  /** Absolute path of the file. */
  path: string;
  kind: ModelKind;
  parentId: number | null;
  roundId: number | null;
  /** The round that produced it, by run and number within the run (null: not from a round, or it is gone). */
  round: { runId: string; seq: number } | null;
  adapterFile: string | null;
  trainer: string | null;
  architecture: string | null;
  parameters: number | null;
  quantization: string | null;
  contextLength: number | null;
  chatTemplate: string | null;
  sizeBytes: number | null;
  sha256: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
}

// eslint-disable-next-line no-control-regex -- names must not contain control characters
const UNSAFE_NAME = /[/\\\u0000-\u001f]/;
const UNSAFE_NAME_ALL = new RegExp(UNSAFE_NAME.source, 'g');

function toRecord(row: ModelRow, modelsDir: string): ModelRecord {
  let metadata: Record<string, unknown> = {};
  try {
    metadata = JSON.parse(row.metadata_json) as Record<string, unknown>;
  } catch {
    metadata = {};
  }
  return {
    id: row.id,
    name: row.name,
    file: row.file,
    path: path.resolve(modelsDir, row.file),
    kind: row.kind,
    parentId: row.parent_id,
    roundId: row.round_id,
    round: row.round_run !== null && row.round_seq !== null ? { runId: row.round_run, seq: row.round_seq } : null,
    adapterFile: row.adapter_file ? path.resolve(modelsDir, row.adapter_file) : null,
    trainer: row.trainer,
    architecture: row.architecture,
    // A count stored before headers were checked (+Inf context length) reads as unknown, not as a broken list.
    parameters: wholeOrNull(row.parameters),
    quantization: row.quantization,
    contextLength: wholeOrNull(row.context_length),
    chatTemplate: row.chat_template,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    metadata,
    createdAt: row.created_at,
  };
}

function wholeOrNull(value: number | null): number | null {
  return value !== null && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** Where a file is stored: relative when inside the models folder (so a workspace can move). */
function storedPath(modelsDir: string, file: string): string {
  const rel = path.relative(modelsDir, path.resolve(file));
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : path.resolve(file);
}

export function validateModelName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new ApiError('invalid_input', 'A model name cannot be empty', { field: 'name' });
  if (trimmed.length > 128) throw new ApiError('invalid_input', 'A model name has at most 128 characters', { field: 'name' });
  if (/^\d+$/.test(trimmed))
    throw new ApiError('invalid_input', `"${trimmed}" cannot be a model name: models are also addressed by their numeric id`, {
      field: 'name',
    });
  if (UNSAFE_NAME.test(trimmed))
    throw new ApiError('invalid_input', `A model name cannot contain slashes or control characters: ${JSON.stringify(trimmed)}`, {
      field: 'name',
    });
  return trimmed;
}

export function listModels(db: Db, modelsDir: string): ModelRecord[] {
  return allModelRows(db).map((r) => toRecord(r, modelsDir));
}

/** A model by id (a number or a string of digits) or by name. */
export function findModel(db: Db, modelsDir: string, ref: string | number): ModelRecord | undefined {
  const row = typeof ref === 'number' || /^\d+$/.test(ref) ? modelRowById(db, Number(ref)) : modelRowByName(db, ref);
  return row ? toRecord(row, modelsDir) : undefined;
}

export function getModel(db: Db, modelsDir: string, ref: string | number): ModelRecord {
  const model = findModel(db, modelsDir, ref);
  // One wording wherever a model is named (CLI flags, API fields): a name or an id, neither found.
  if (!model)
    throw new ApiError('not_found', `No model "${ref}" in the registry: give a model's name or id (see \`toolsmith model list\`).`, {
      model: ref,
    });
  return model;
}

export interface RunnableFiles {
  /** The model as named (an adapter stays itself: its name and id are what runs). */
  model: ModelRecord;
  /** The model whose weights load: the model itself, or an adapter's base. */
  base: ModelRecord;
  /** The base GGUF. */
  file: string;
  /** The LoRA adapter on top, if any. */
  adapterFile: string | null;
}

/**
 * What loading a model means: its GGUF plus its adapter file; a LoRA adapter model loads its base (its
 * parent) with the adapter, so an adapter's name is enough wherever a model is chosen.
 */
export function runnableFiles(db: Db, modelsDir: string, ref: string | number): RunnableFiles {
  const model = getModel(db, modelsDir, ref);
  if (model.kind !== 'adapter') return { model, base: model, file: model.path, adapterFile: model.adapterFile };
  // Each adapter is the whole change on the first non-adapter ancestor: a round's adapter continues the one
  // before it (trained from its weights), it is never applied on top of it.
  let base: ModelRecord | undefined = model;
  const seen = new Set<number>();
  while (base && base.kind === 'adapter') {
    if (seen.has(base.id)) break;
    seen.add(base.id);
    base = base.parentId != null ? findModel(db, modelsDir, base.parentId) : undefined;
  }
  if (!base || base.kind === 'adapter')
    throw new ApiError(
      'invalid_input',
      `"${model.name}" is a LoRA adapter whose base model is not registered${model.parentId != null && !findModel(db, modelsDir, model.parentId) ? ` (model ${model.parentId} was deleted)` : ''}: import the base GGUF and train or register the adapter against it.`,
      { model: model.name },
    );
  return { model, base, file: base.path, adapterFile: model.path };
}

function nameTaken(db: Db, name: string): boolean {
  return modelNameTaken(db, name);
}

/** `base`, else `base-2`, `base-3`, … (the first free name). */
function freeName(db: Db, base: string): string {
  const clean = base.replace(UNSAFE_NAME_ALL, '_').slice(0, 120) || 'model';
  const start = /^\d+$/.test(clean) ? `model-${clean}` : clean;
  if (!nameTaken(db, start)) return start;
  for (let i = 2; ; i++) if (!nameTaken(db, `${start}-${i}`)) return `${start}-${i}`;
}

function freeFileName(dir: string, stem: string): string {
  const safe = stem.replace(/[^\w.+-]/g, '_').slice(0, 120) || 'model';
  let candidate = `${safe}.gguf`;
  for (let i = 2; fs.existsSync(path.join(dir, candidate)); i++) candidate = `${safe}-${i}.gguf`;
  return candidate;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

/** Copies `from` into `dir` under a temporary name, hashing on the way, and renames it when complete. */
async function copyIn(from: string, dir: string, fileName: string): Promise<{ file: string; sha256: string }> {
  const target = path.join(dir, fileName);
  const temp = path.join(dir, `.${fileName}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const hash = createHash('sha256');
  try {
    await pipeline(
      fs.createReadStream(from),
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          done(null, chunk);
        },
      }),
      fs.createWriteStream(temp, { flags: 'wx' }),
    );
    await fsp.rename(temp, target);
  } catch (error) {
    await fsp.rm(temp, { force: true });
    throw error;
  }
  return { file: target, sha256: hash.digest('hex') };
}

function toApiError(error: unknown): never {
  if (error instanceof ModelFileError) {
    throw new ApiError(error.kind === 'missing' ? 'not_found' : 'bad_file', error.message, { file: error.file, kind: error.kind });
  }
  throw error;
}

export interface Lineage {
  parentId?: number | null;
  roundId?: number | null;
  /** A LoRA adapter applied on top of the parent (absolute, or relative to the models folder). */
  adapterFile?: string | null;
  trainer?: string | null;
}

export interface RegisterOptions extends Lineage {
  /** Default: the file's stem (made unique with -2, -3, … when taken). An explicit name must be free. */
  name?: string;
  kind?: ModelKind;
  /** Extra facts to keep with the model (merged into metadata_json). */
  metadata?: Record<string, unknown>;
}

function insertModel(
  db: Db,
  modelsDir: string,
  file: string,
  info: ModelFileInfo,
  sha256: string,
  options: RegisterOptions,
  defaultName: string,
): ModelRecord {
  const insert = db.transaction(() => {
    let name: string;
    if (options.name !== undefined) {
      name = validateModelName(options.name);
      if (nameTaken(db, name)) throw new ApiError('conflict', `A model named "${name}" already exists`, { field: 'name' });
    } else name = freeName(db, defaultName);
    if (options.parentId != null && !modelExists(db, options.parentId)) {
      throw new ApiError('not_found', `Parent model ${options.parentId} does not exist`, { field: 'parentId' });
    }
    const metadata = {
      generalName: info.name,
      type: info.type,
      embeddingLength: info.embeddingLength,
      layers: info.layers,
      heads: info.heads,
      kvHeads: info.kvHeads,
      vocabSize: info.vocabSize,
      tensorCount: info.tensorCount,
      ggufVersion: info.ggufVersion,
      templateHash: info.templateHash,
      templateSource: info.templateSource,
      ...options.metadata,
    };
    const id = insertModelRow(db, {
      name,
      file: storedPath(modelsDir, file),
      kind: options.kind ?? (info.type === 'adapter' ? 'adapter' : 'base'),
      parent_id: options.parentId ?? null,
      round_id: options.roundId ?? null,
      adapter_file: options.adapterFile ? storedPath(modelsDir, options.adapterFile) : null,
      trainer: options.trainer ?? null,
      architecture: info.architecture,
      parameters: info.parameters,
      quantization: info.quantization,
      context_length: info.contextLength,
      chat_template: info.chatTemplate,
      size_bytes: info.fileSize,
      sha256,
      metadata_json: JSON.stringify(metadata),
    });
    return getModel(db, modelsDir, id);
  });
  return insert();
}

export interface ImportOptions extends RegisterOptions {
  /** Copy the file into the models folder (default) or register it where it is. */
  copy?: boolean;
}

/**
 * Imports a GGUF from disk: validated first (not a GGUF, truncated, unsupported architecture, missing →
 * a clear error and the registry unchanged), then copied into the models folder under a temporary name,
 * renamed, and registered in one transaction.
 */
export async function importModel(db: Db, modelsDir: string, source: string, options: ImportOptions = {}): Promise<ModelRecord> {
  const from = path.resolve(source);
  const info = await inspectModelFile(from).catch(toApiError);
  if (options.name !== undefined) {
    const name = validateModelName(options.name);
    if (nameTaken(db, name)) throw new ApiError('conflict', `A model named "${name}" already exists`, { field: 'name' });
  }
  const stem = path.basename(from).replace(/\.gguf$/i, '');
  const inside = !path.isAbsolute(storedPath(modelsDir, from));
  if (options.copy === false || inside) {
    const sha256 = await sha256File(from);
    return insertModel(db, modelsDir, from, info, sha256, options, stem);
  }
  await fsp.mkdir(modelsDir, { recursive: true });
  const { file, sha256 } = await copyIn(from, modelsDir, freeFileName(modelsDir, options.name ?? stem));
  try {
    return insertModel(db, modelsDir, file, info, sha256, options, stem);
  } catch (error) {
    await fsp.rm(file, { force: true });
    throw error;
  }
}

/**
 * Registers a file that is already complete where it is (a trained model or adapter written into the
 * models folder by the trainer), with its lineage.
 */
export async function registerModel(db: Db, modelsDir: string, file: string, options: RegisterOptions = {}): Promise<ModelRecord> {
  return importModel(db, modelsDir, file, { ...options, copy: false });
}

export function renameModel(db: Db, modelsDir: string, ref: string | number, newName: string): ModelRecord {
  const name = validateModelName(newName);
  return db.transaction(() => {
    const model = getModel(db, modelsDir, ref);
    if (model.name === name) return model;
    if (nameTaken(db, name)) throw new ApiError('conflict', `A model named "${name}" already exists`, { field: 'name' });
    setModelName(db, model.id, name);
    return getModel(db, modelsDir, model.id);
  })();
}

/**
 * Deletes a model's row (children keep existing, their parent becomes unknown) and, unless keepFile, its
 * file when it lives in the models folder and no other model uses it. Files outside the folder are never
 * deleted.
 */
export async function deleteModel(
  db: Db,
  modelsDir: string,
  ref: string | number,
  options: { keepFile?: boolean } = {},
): Promise<ModelRecord> {
  const model = db.transaction(() => {
    const m = getModel(db, modelsDir, ref);
    deleteModelRow(db, m.id);
    return m;
  })();
  const inside = !path.isAbsolute(model.file);
  const shared = modelFileUsed(db, model.file);
  if (!options.keepFile && inside && !shared) {
    await fsp.rm(model.path, { force: true });
    // The python trainer's PEFT folder beside an adapter (what a later round continues from).
    await fsp.rm(`${model.path}.peft`, { recursive: true, force: true });
  }
  return model;
}

export interface LineageView {
  model: ModelRecord;
  /** Parent first, then its parent, … */
  ancestors: ModelRecord[];
  /** Every model descending from this one (each has parentId to build the tree). */
  descendants: ModelRecord[];
}

export function modelLineage(db: Db, modelsDir: string, ref: string | number): LineageView {
  const model = getModel(db, modelsDir, ref);
  const ancestors: ModelRecord[] = [];
  const seen = new Set([model.id]);
  let parent = model.parentId;
  while (parent != null && !seen.has(parent)) {
    const p = findModel(db, modelsDir, parent);
    if (!p) break;
    seen.add(p.id);
    ancestors.push(p);
    parent = p.parentId;
  }
  const all = listModels(db, modelsDir);
  const descendants: ModelRecord[] = [];
  const frontier = [model.id];
  while (frontier.length) {
    const id = frontier.shift()!;
    for (const m of all) {
      if (m.parentId === id && !seen.has(m.id)) {
        seen.add(m.id);
        descendants.push(m);
        frontier.push(m.id);
      }
    }
  }
  return { model, ancestors, descendants };
}

/**
 * Sets (or with null clears) the model's call-format override, kept in its metadata as `callFormat`: how
 * the model writes tool calls when its chat template does not say it (see call-formats.ts).
 */
export function setCallFormat(db: Db, modelsDir: string, ref: string | number, callFormat: string | null): ModelRecord {
  const model = getModel(db, modelsDir, ref);
  const { callFormat: _old, ...rest } = model.metadata;
  const metadata = callFormat ? { ...rest, callFormat } : rest;
  setModelMetadata(db, model.id, metadata);
  return getModel(db, modelsDir, model.id);
}
