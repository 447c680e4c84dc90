/**
 * Self-evolution rounds: every batch of model outputs a round generates (queries, tool-making, k-sample
 * tool-using) is kept with its prompt, template hash and sampling settings, so votes, pass@k and the
 * refinement corpus can be recomputed and shown; the selection decision of each sample per round carries its
 * difficulty and reason; a round records when the person finished curating it.
 */
export const sql = /* sql */ `
CREATE TABLE round_generations (
  id INTEGER PRIMARY KEY,
  round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('query','tool_making','tool_using')),
  query_id INTEGER REFERENCES queries(id) ON DELETE SET NULL,
  source_sample_id INTEGER REFERENCES samples(id) ON DELETE SET NULL,
  sample_id INTEGER REFERENCES samples(id) ON DELETE SET NULL,
  prompt_json TEXT NOT NULL,
  outputs_json TEXT NOT NULL,
  template_hash TEXT NOT NULL,
  sampling_json TEXT NOT NULL,
  tokens INTEGER NOT NULL DEFAULT 0,
  ms REAL NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX round_generations_round ON round_generations(round_id, purpose);

ALTER TABLE sample_passk ADD COLUMN difficulty REAL;
ALTER TABLE sample_passk ADD COLUMN reason TEXT;
ALTER TABLE rounds ADD COLUMN curated_at TEXT;
ALTER TABLE rounds ADD COLUMN stage TEXT;
`;
