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

/** A person's verdicts (accept or reject), one per sample version (call inside the caller's transaction). */
export function insertHumanVerdicts(
  db: Db,
  verdicts: readonly { sampleId: number; version: number; passed: boolean; reason: string }[],
): void {
  const verdict = db.prepare("INSERT INTO verdicts (sample_id, version, verifier, passed, reason) VALUES (?, ?, 'human', ?, ?)");
  for (const v of verdicts) verdict.run(v.sampleId, v.version, v.passed ? 1 : 0, v.reason);
}

/** Deletes the human verdicts a curation action added: the latest human verdict of each of its samples. */
export function deleteHumanVerdictsOfAction(db: Db, actionId: number): void {
  db.prepare(
    `DELETE FROM verdicts WHERE verifier = 'human' AND id IN (
     SELECT MAX(v.id) FROM verdicts v JOIN curation_action_items i ON i.sample_id = v.sample_id
     WHERE i.action_id = ? AND v.verifier = 'human' GROUP BY v.sample_id)`,
  ).run(actionId);
}

/** Every verdict of a sample as stored, oldest first (the detail pane's history). */
export function verdictHistory(
  db: Db,
  sampleId: number,
): { verifier: string; passed: number; reason: string; version: number; details_json: string | null; created_at: string }[] {
  return db
    .prepare('SELECT verifier, passed, reason, version, details_json, created_at FROM verdicts WHERE sample_id = ? ORDER BY id')
    .all(sampleId) as {
    verifier: string;
    passed: number;
    reason: string;
    version: number;
    details_json: string | null;
    created_at: string;
  }[];
}
