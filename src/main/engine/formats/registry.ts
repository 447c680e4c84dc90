import type { DataFormat } from '../../../shared/contract/formats';
import { bfclFormat } from './bfcl';
import { hermesFormat } from './hermes';
import { llamafactoryFormat } from './llamafactory';
import { mlxFormat } from './mlx';
import { openaiFormat } from './openai';
import { sharegptFormat } from './sharegpt';
import type { FormatModule } from './types';
import { xlamFormat } from './xlam';

/** Every record format (the `hf` folder format holds files of these). */
export const RECORD_FORMATS: readonly FormatModule[] = [
  openaiFormat,
  mlxFormat,
  sharegptFormat,
  llamafactoryFormat,
  hermesFormat,
  xlamFormat,
  bfclFormat,
];

export type RecordFormat = Exclude<DataFormat, 'hf'>;

export function formatModule(id: RecordFormat): FormatModule {
  const found = RECORD_FORMATS.find((f) => f.id === id);
  if (!found) throw new Error(`No reader for format ${id}.`);
  return found;
}
