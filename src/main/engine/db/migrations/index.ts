import { sql as core } from './0001_core';

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
];

export const LATEST_SCHEMA_VERSION = migrations.length;
