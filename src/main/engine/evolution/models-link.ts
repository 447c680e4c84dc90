import fs from 'node:fs';
import type { CallFormat } from '../inference/call-formats';
import { callFormatOverride } from '../models/model-template';
import type { Db } from '../db/open';
import { runnableFiles } from '../models/registry';

/** The registry facts a round needs about a model: its file (and adapter) and lineage. */
export interface ModelRef {
  id: number;
  name: string;
  file: string;
  kind: string;
  parentId: number | null;
  roundId: number | null;
  adapterFile: string | null;
  /** The model's call-format override (an adapter inherits its base's), null to use its template's. */
  callFormat: CallFormat | null;
}

export function getModelRef(db: Db, modelsDir: string, id: number): ModelRef {
  // An adapter runs on its first non-adapter ancestor's weights (registry's runnableFiles).
  const { model: m, base, file, adapterFile } = runnableFiles(db, modelsDir, id);
  if (!fs.existsSync(file)) throw new Error(`model ${id} (${m.name}): its file ${file} is missing`);
  const callFormat = callFormatOverride(m) ?? callFormatOverride(base);
  return { id: m.id, name: m.name, file, kind: m.kind, parentId: m.parentId, roundId: m.roundId, adapterFile, callFormat };
}
