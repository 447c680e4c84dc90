import fs from 'node:fs/promises';
import { ApiError } from '../../../shared/contract/errors';
import type { Db } from '../db/open';
import { runnableFiles } from '../models/registry';

/**
 * A training base: a GGUF file, else a registered model's name or id (its file, and its id for the lineage).
 * A model that carries an adapter is refused: training on its base alone would silently drop the adapter.
 */
export async function resolveTrainBase(db: Db, modelsDir: string, raw: string): Promise<{ file: string; modelId?: number }> {
  if (
    await fs.stat(raw).then(
      (st) => st.isFile(),
      () => false,
    )
  )
    return { file: raw };
  let files: ReturnType<typeof runnableFiles>;
  try {
    files = runnableFiles(db, modelsDir, /^\d+$/.test(raw) ? Number(raw) : raw);
  } catch (error) {
    throw new ApiError('not_found', `base ${raw}: no such file, and ${(error as Error).message}`, { base: raw });
  }
  if (files.adapterFile)
    throw new ApiError(
      'invalid_input',
      `base ${raw}: "${files.model.name}" carries a LoRA adapter; train on its base "${files.base.name}" instead.`,
      {
        base: raw,
      },
    );
  return { file: files.file, modelId: files.model.id };
}
