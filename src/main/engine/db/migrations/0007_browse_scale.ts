/**
 * Browsing a million samples: counts kept up to date by triggers, and a cheaper full-text trigger for new
 * samples.
 *
 * `sample_counts` holds how many samples share each combination of the columns the browser filters on by
 * value (sub-task, status, category, round, model, pass@k bucket, vote share), so the Samples and Datasets
 * views count from a table of a few thousand rows instead of scanning `samples`. NULLs are stored as '' / 0 /
 * -1 so that the key can be a primary key (SQLite treats NULLs in a key as all different).
 *
 * The version-1 FTS trigger of 0001 deleted the sample's row from `sample_fts` before inserting it. A new
 * sample has no row there, and that delete made FTS5 flush its pending terms on every insert (one index
 * segment per sample): about 60 % of an insert's time. Version 1 now only inserts; later versions (edits)
 * still replace the row, through `samples_version_fts`.
 */

/** The trigger statements that take a sample's old key out of its count, and add its new key to its count. */
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
CREATE TABLE sample_counts (
  subtask TEXT NOT NULL,
  status TEXT NOT NULL,
  category TEXT NOT NULL,   -- '' = none
  round_id INTEGER NOT NULL, -- 0 = none
  model_id INTEGER NOT NULL, -- 0 = none
  bucket TEXT NOT NULL,     -- '' = none
  vote_share REAL NOT NULL, -- -1 = none
  n INTEGER NOT NULL,
  PRIMARY KEY (subtask, status, category, round_id, model_id, bucket, vote_share)
) WITHOUT ROWID;

INSERT INTO sample_counts (subtask, status, category, round_id, model_id, bucket, vote_share, n)
SELECT subtask, status, ifnull(category, ''), ifnull(round_id, 0), ifnull(model_id, 0), ifnull(bucket, ''),
       ifnull(vote_share, -1), COUNT(*)
FROM samples GROUP BY 1, 2, 3, 4, 5, 6, 7;

CREATE TRIGGER samples_counts_insert AFTER INSERT ON samples
BEGIN
${countNew}
END;

CREATE TRIGGER samples_counts_delete AFTER DELETE ON samples
BEGIN
${countOld}
END;

CREATE TRIGGER samples_counts_update AFTER UPDATE OF subtask, status, category, round_id, model_id, bucket, vote_share ON samples
WHEN NEW.subtask IS NOT OLD.subtask OR NEW.status IS NOT OLD.status OR NEW.category IS NOT OLD.category
  OR NEW.round_id IS NOT OLD.round_id OR NEW.model_id IS NOT OLD.model_id OR NEW.bucket IS NOT OLD.bucket
  OR NEW.vote_share IS NOT OLD.vote_share
BEGIN
${countOld}
${countNew}
END;

DROP TRIGGER sample_versions_fts;

-- Version 1 of a new sample: it has no row in the index yet, so only insert (no delete, no flush).
CREATE TRIGGER sample_versions_fts_new AFTER INSERT ON sample_versions
WHEN NEW.version = 1 AND NEW.version = (SELECT current_version FROM samples WHERE id = NEW.sample_id)
BEGIN
  INSERT INTO sample_fts (rowid, query, body) VALUES (NEW.sample_id, NEW.query_text, NEW.output_text);
END;

-- A later version inserted as the current one (no write path does this today: edits insert the version,
-- then move current_version, which samples_version_fts handles): replace the row.
CREATE TRIGGER sample_versions_fts AFTER INSERT ON sample_versions
WHEN NEW.version > 1 AND NEW.version = (SELECT current_version FROM samples WHERE id = NEW.sample_id)
BEGIN
  DELETE FROM sample_fts WHERE rowid = NEW.sample_id;
  INSERT INTO sample_fts (rowid, query, body) VALUES (NEW.sample_id, NEW.query_text, NEW.output_text);
END;
`;
