import { sql as core } from './0001_core';
import { sql as jobs } from './0002_jobs';
import { sql as curation } from './0003_curation';
import { sql as imports } from './0004_imports';
import { sql as evolution } from './0005_evolution';
import { sql as trainPoints } from './0006_train_points';
import { sql as browseScale } from './0007_browse_scale';
import { sql as browseCovering } from './0008_browse_covering';
import { sql as jobLeases } from './0009_job_leases';
import { sql as importBatches } from './0010_import_batches';
import { sql as builtinData } from './0011_builtin_data';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Every migration, in order. Append only: an applied migration is never edited, so that every
 * workspace on disk can be reproduced by replaying this list.
 */
export const migrations: readonly Migration[] = [
  { version: 1, name: 'core', sql: core },
  { version: 2, name: 'jobs', sql: jobs },
  { version: 3, name: 'curation', sql: curation },
  { version: 4, name: 'imports', sql: imports },
  { version: 5, name: 'evolution', sql: evolution },
  { version: 6, name: 'train_points', sql: trainPoints },
  { version: 7, name: 'browse_scale', sql: browseScale },
  { version: 8, name: 'browse_covering', sql: browseCovering },
  { version: 9, name: 'job_leases', sql: jobLeases },
  { version: 10, name: 'import_batches', sql: importBatches },
  { version: 11, name: 'builtin_data', sql: builtinData },
];

export const LATEST_SCHEMA_VERSION = migrations.length;
