/**
 * The starter model shipped in `resources/models/` (built by `toolsmith trainer build-starter`, see
 * `train/starter-recipe.ts`): a tiny model already taught the call format, so that a first run has a model
 * that writes calls without a download. Registered under one name; adding it twice returns the first.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/open';
import { resourcesDir } from '../lib/resources-dir';
import { findModel, importModel, type ModelRecord } from './registry';

export const STARTER_TRAINED_NAME = 'toolsmith-starter-trained';

/** What the build wrote beside the file (the parts read here; the rest is kept as metadata). */
export interface BundledStarterReport {
  examples: number;
  metrics: { finalLoss?: number };
}

export function bundledStarterFile(): { file: string; report?: BundledStarterReport } | undefined {
  const file = path.join(resourcesDir(), 'models', 'toolsmith-starter.gguf');
  if (!fs.existsSync(file)) return undefined;
  const reportFile = file.replace(/\.gguf$/, '.json');
  const report = fs.existsSync(reportFile) ? (JSON.parse(fs.readFileSync(reportFile, 'utf8')) as BundledStarterReport) : undefined;
  return { file, ...(report ? { report } : {}) };
}

/** Registers the bundled starter (a copy in the models folder), or returns it when already registered. */
export async function addBundledStarter(db: Db, modelsDir: string): Promise<{ model: ModelRecord; added: boolean } | undefined> {
  const existing = findModel(db, modelsDir, STARTER_TRAINED_NAME);
  if (existing) return { model: existing, added: false };
  const bundled = bundledStarterFile();
  if (!bundled) return undefined;
  const model = await importModel(db, modelsDir, bundled.file, {
    name: STARTER_TRAINED_NAME,
    kind: 'starter',
    trainer: 'python:full',
    metadata: { purpose: 'bundled starter (resources/models), built by `toolsmith trainer build-starter`', report: bundled.report },
  });
  return { model, added: true };
}
