import type { Db } from '../db/open';
import type { Verdict } from './types';

/** Stores verdicts of one sample version (call inside the caller's transaction). */
export function insertVerdicts(db: Db, sampleId: number, version: number, verdicts: readonly Verdict[]): void {
  const insert = db.prepare('INSERT INTO verdicts (sample_id, version, verifier, passed, reason, details_json) VALUES (?, ?, ?, ?, ?, ?)');
  for (const v of verdicts)
    insert.run(sampleId, version, v.verifier, v.passed ? 1 : 0, v.reason, v.details === undefined ? null : JSON.stringify(v.details));
}

export function listVerdicts(db: Db, sampleId: number): (Verdict & { version: number })[] {
  const rows = db
    .prepare('SELECT version, verifier, passed, reason, details_json FROM verdicts WHERE sample_id = ? ORDER BY id')
    .all(sampleId) as { version: number; verifier: Verdict['verifier']; passed: number; reason: string; details_json: string | null }[];
  return rows.map((r) => ({
    version: r.version,
    verifier: r.verifier,
    passed: r.passed === 1,
    reason: r.reason,
    ...(r.details_json ? { details: JSON.parse(r.details_json) as unknown } : {}),
  }));
}
