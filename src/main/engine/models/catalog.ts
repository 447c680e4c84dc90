import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ApiError } from '../../../shared/contract/errors';
import { CatalogEntry } from '../../../shared/contract/models';
import type { Db } from '../db/open';
import { resourcesDir } from '../lib/resources-dir';
import { parseModelRef } from './download';
import { pullModel, type PullOptions, type PullResult } from './pull';

/**
 * The catalog of recommended models (`resources/models/catalog.json`, or `$TOOLSMITH_CATALOG`): validated
 * when loaded, so a bad entry is named with its field instead of failing halfway through a pull. Pulling an
 * entry tries its sources in order and uses the first one that is reachable; the model is registered under
 * the entry's name, with the pinned sha256 and size (where known) checked.
 */

const MAX_CATALOG_BYTES = 1 << 20;

const CatalogFile = z
  .object({
    version: z.literal(1),
    models: z.array(z.unknown()).max(500),
  })
  .strict();

export class CatalogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogError';
  }
}

export function defaultCatalogFile(): string {
  return process.env.TOOLSMITH_CATALOG ? path.resolve(process.env.TOOLSMITH_CATALOG) : path.join(resourcesDir(), 'models', 'catalog.json');
}

function issuePath(issue: z.core.$ZodIssue): string {
  return issue.path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}

/** Parses and checks a catalog's text; `where` names the file in errors. */
export function parseCatalog(text: string, where: string): CatalogEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CatalogError(`${where}: not valid JSON (${(error as Error).message})`);
  }
  const file = CatalogFile.safeParse(json);
  if (!file.success) {
    const issue = file.error.issues[0]!;
    throw new CatalogError(`${where}: ${issuePath(issue) || '(top level)'}: ${issue.message}`);
  }
  const entries: CatalogEntry[] = [];
  const seen = new Set<string>();
  file.data.models.forEach((raw, i) => {
    const name = (raw as { name?: unknown } | null)?.name;
    const label = `models[${i}]${typeof name === 'string' ? ` ("${name}")` : ''}`;
    const entry = CatalogEntry.safeParse(raw);
    if (!entry.success) {
      const issue = entry.error.issues[0]!;
      throw new CatalogError(`${where}: entry ${label}: ${issuePath(issue) || '(the entry)'}: ${issue.message}`);
    }
    if (seen.has(entry.data.name)) throw new CatalogError(`${where}: entry ${label}: name: "${entry.data.name}" appears twice`);
    seen.add(entry.data.name);
    entry.data.sources.forEach((source, j) => {
      try {
        parseModelRef(source.ref);
      } catch (error) {
        throw new CatalogError(`${where}: entry ${label}: sources[${j}].ref: ${(error as Error).message}`);
      }
    });
    entries.push(entry.data);
  });
  return entries;
}

export function loadCatalog(file = defaultCatalogFile()): CatalogEntry[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new CatalogError(`The model catalog ${file} does not exist`);
  }
  if (stat.size > MAX_CATALOG_BYTES) throw new CatalogError(`${file}: ${stat.size} bytes is more than a catalog may have (1 MiB)`);
  return parseCatalog(fs.readFileSync(file, 'utf8'), file);
}

/** The catalog entry of this name, if the argument is one (references have a scheme, names do not). */
export function findCatalogEntry(name: string, entries: CatalogEntry[]): CatalogEntry | undefined {
  return entries.find((e) => e.name === name.trim());
}

/** Pulls an entry: the first reachable source, registered under the entry's name. */
export async function pullCatalogEntry(
  db: Db,
  modelsDir: string,
  entry: CatalogEntry,
  options: Omit<PullOptions, 'name' | 'sha256' | 'sizeBytes'> & { onSource?: (ref: string) => void } = {},
): Promise<PullResult & { source: string }> {
  const failures: string[] = [];
  for (const source of entry.sources) {
    options.signal?.throwIfAborted();
    options.onSource?.(source.ref);
    try {
      const result = await pullModel(db, modelsDir, source.ref, {
        ...options,
        name: entry.name,
        sha256: source.sha256,
        sizeBytes: source.sizeBytes,
        metadata: {
          ...options.metadata,
          catalog: { name: entry.name, licence: entry.licence, callFormat: entry.callFormat, pinnedSha256: source.sha256 ?? null },
          callFormat: entry.callFormat,
        },
      });
      return { ...result, source: source.ref };
    } catch (error) {
      // Only "cannot get it from here" moves on; a wrong hash, a bad file or a cancel is an answer.
      if (options.signal?.aborted || !(error instanceof ApiError) || error.code !== 'unavailable') throw error;
      failures.push(`${source.ref}: ${error.message}`);
    }
  }
  throw new ApiError(
    'unavailable',
    `No source of ${entry.name} is reachable (${failures.map((f, i) => `${i + 1}. ${f}`).join(' ')}); download it on a machine that is and \`toolsmith model import FILE --name ${entry.name}\`.`,
    { name: entry.name, sources: entry.sources.map((s) => s.ref) },
  );
}
