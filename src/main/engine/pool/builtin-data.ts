/**
 * The bundled data every workspace holds from its first opening: the built-in tool pool and the two
 * held-out evaluation sets. `ensureBuiltinData` runs when an engine opens a workspace: a new workspace, or
 * an existing one from before migration 0011, gets them; a newer Toolsmith whose bundled data changed
 * updates them. Each part's version is a hash of what it installs, recorded in `builtin_data`.
 *
 * An update re-syncs the `builtin` pool only (tools the user imported live in other pools and are never
 * touched) and adds an evaluation set that is missing; a set already there is kept as it is, since its
 * runs refer to its items.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Db } from '../db/open';
import { builtinToolCount, evalSetNamed, installedParts, recordInstalledPart } from './builtin-data-repo';
import { installBuiltinEvalSets } from './install-data';
import { builtinEvalSetFiles } from './eval-sets';
import { BUILTIN_POOL, installBuiltinPool, poolRows, type InstallResult } from './install';

export const POOL_PART = 'pool';
export const EVAL_SETS_PART = 'eval-sets';

function hash(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The versions of the data this Toolsmith ships (hashes of the pool's rows and the sets' files). */
export function shippedVersions(): { pool: string; evalSets: string } {
  const sets = builtinEvalSetFiles().map((f) => [f.name, fs.readFileSync(f.questionsFile, 'utf8'), fs.readFileSync(f.answersFile, 'utf8')]);
  return { pool: hash(JSON.stringify(poolRows())), evalSets: hash(JSON.stringify(sets)) };
}

export interface BuiltinDataStatus {
  upToDate: boolean;
  shipped: { pool: string; evalSets: string; tools: number };
  installed: { pool: string | null; evalSets: string | null; at: string | null };
  /** Tools in the workspace's `builtin` pool now. */
  tools: number;
  evalSets: { name: string; present: boolean; items: number }[];
}

export function builtinDataStatus(db: Db): BuiltinDataStatus {
  const shipped = shippedVersions();
  const parts = new Map(installedParts(db).map((p) => [p.part, p]));
  const pool = parts.get(POOL_PART);
  const sets = parts.get(EVAL_SETS_PART);
  return {
    upToDate: pool?.version === shipped.pool && sets?.version === shipped.evalSets,
    shipped: { ...shipped, tools: poolRows().length },
    installed: { pool: pool?.version ?? null, evalSets: sets?.version ?? null, at: pool?.installedAt ?? sets?.installedAt ?? null },
    tools: builtinToolCount(db, BUILTIN_POOL),
    evalSets: builtinEvalSetFiles().map((f) => {
      const set = evalSetNamed(db, f.name);
      return { name: f.name, present: set !== undefined, items: set?.itemCount ?? 0 };
    }),
  };
}

export interface BuiltinDataInstall {
  pool: InstallResult;
  evalSets: { added: string[]; kept: string[] };
  versions: { pool: string; evalSets: string };
}

/** Installs (or re-installs) the pool and the missing sets and records their versions: one transaction. */
export function installBuiltinData(db: Db): BuiltinDataInstall {
  const versions = shippedVersions();
  return db
    .transaction((): BuiltinDataInstall => {
      const pool = installBuiltinPool(db);
      const added = installBuiltinEvalSets(db);
      const evalSets = {
        added,
        kept: builtinEvalSetFiles()
          .map((f) => f.name)
          .filter((n) => !added.includes(n)),
      };
      recordInstalledPart(db, POOL_PART, versions.pool);
      recordInstalledPart(db, EVAL_SETS_PART, versions.evalSets);
      return { pool, evalSets, versions };
    })
    .immediate();
}

/**
 * What an engine does when it opens a workspace: installs the bundled data when the workspace's recorded
 * versions are not the shipped ones (a new workspace has none). Returns what it did, or null when up to
 * date (the common case: two hashes and one small query).
 */
export function ensureBuiltinData(db: Db): BuiltinDataInstall | null {
  const shipped = shippedVersions();
  const parts = new Map(installedParts(db).map((p) => [p.part, p.version]));
  if (parts.get(POOL_PART) === shipped.pool && parts.get(EVAL_SETS_PART) === shipped.evalSets) return null;
  return installBuiltinData(db);
}
