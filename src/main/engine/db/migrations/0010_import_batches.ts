/**
 * Crash-safe imports: an owner and a lease on each import, a reason when one is ended by the start-up sweep,
 * and samples that stay invisible until their import completes.
 *
 * An import now stores its samples in batches, each its own short transaction (a second writer waits for one
 * batch, not for the whole import), with `pending_import` set to the import's id. A pending sample is left
 * out of browse, export, curation and the counts; the import's last transaction clears the flag. A cancelled
 * import deletes its pending samples; a killed one leaves them with its row in `reading`/`storing` and an
 * expired lease, and the sweep at the next start (workspace/sweep.ts) deletes them and marks the row failed
 * with `failure`.
 *
 * \`output_dirs\` lists the folders exports were written to, so that the sweep can find an export's temporary
 * files (\`NAME.PID.tmp\`) after a kill.
 *
 * The count triggers of 0007 are replaced by ones that skip pending samples and count a sample when it is
 * published.
 */
const key = (row: 'OLD' | 'NEW') =>
  `subtask = ${row}.subtask AND status = ${row}.status AND category = ifnull(${row}.category, '')
    AND round_id = ifnull(${row}.round_id, 0) AND model_id = ifnull(${row}.model_id, 0)
    AND bucket = ifnull(${row}.bucket, '') AND vote_share = ifnull(${row}.vote_share, -1)`;
const countOld = `  UPDATE sample_counts SET n = n - 1 WHERE ${key('OLD')};
  DELETE FROM sample_counts WHERE n <= 0 AND ${key('OLD')};`;
const countNew = `  INSERT INTO sample_counts (subtask, status, category, round_id, model_id, bucket, vote_share, n)
  VALUES (NEW.subtask, NEW.status, ifnull(NEW.category, ''), ifnull(NEW.round_id, 0), ifnull(NEW.model_id, 0),
          ifnull(NEW.bucket, ''), ifnull(NEW.vote_share, -1), 1)
  ON CONFLICT DO UPDATE SET n = n + 1;`;

export const sql = /* sql */ `
ALTER TABLE imports ADD COLUMN owner_pid INTEGER;
ALTER TABLE imports ADD COLUMN lease_expires_at INTEGER;
ALTER TABLE imports ADD COLUMN failure TEXT;

CREATE TABLE output_dirs (
  path TEXT PRIMARY KEY,
  used_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
) WITHOUT ROWID;

ALTER TABLE samples ADD COLUMN pending_import INTEGER;
CREATE INDEX samples_pending_import ON samples(pending_import) WHERE pending_import IS NOT NULL;

DROP TRIGGER samples_counts_insert;
CREATE TRIGGER samples_counts_insert AFTER INSERT ON samples
WHEN NEW.pending_import IS NULL
BEGIN
${countNew}
END;

DROP TRIGGER samples_counts_delete;
CREATE TRIGGER samples_counts_delete AFTER DELETE ON samples
WHEN OLD.pending_import IS NULL
BEGIN
${countOld}
END;

DROP TRIGGER samples_counts_update;
CREATE TRIGGER samples_counts_update AFTER UPDATE OF subtask, status, category, round_id, model_id, bucket, vote_share ON samples
WHEN OLD.pending_import IS NULL AND NEW.pending_import IS NULL AND (
  NEW.subtask IS NOT OLD.subtask OR NEW.status IS NOT OLD.status OR NEW.category IS NOT OLD.category
  OR NEW.round_id IS NOT OLD.round_id OR NEW.model_id IS NOT OLD.model_id OR NEW.bucket IS NOT OLD.bucket
  OR NEW.vote_share IS NOT OLD.vote_share)
BEGIN
${countOld}
${countNew}
END;

CREATE TRIGGER samples_counts_publish AFTER UPDATE OF pending_import ON samples
WHEN OLD.pending_import IS NOT NULL AND NEW.pending_import IS NULL
BEGIN
${countNew}
END;
`;
