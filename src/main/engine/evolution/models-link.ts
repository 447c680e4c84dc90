import fs from 'node:fs';
import type { CallFormat } from '../models/call-formats';
import { callFormatOverride } from '../models/model-template';
import type { Db } from '../db/open';
import { getModel } from '../models/registry';

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
  const m = getModel(db, modelsDir, id);
  // An adapter row points at its adapter file; the base weights are its parent's.
  const file = m.kind === 'adapter' && m.parentId !== null ? getModel(db, modelsDir, m.parentId).path : m.path;
  if (!fs.existsSync(file)) throw new Error(`model ${id} (${m.name}): its file ${file} is missing`);
  const adapterFile = m.adapterFile
    ? m.adapterFile.startsWith('/')
      ? m.adapterFile
      : `${modelsDir}/${m.adapterFile}`
    : m.kind === 'adapter'
      ? m.path
      : null;
  const callFormat = callFormatOverride(m) ?? (m.parentId !== null ? callFormatOverride(getModel(db, modelsDir, m.parentId)) : null);
  return { id: m.id, name: m.name, file, kind: m.kind, parentId: m.parentId, roundId: m.roundId, adapterFile, callFormat };
}
