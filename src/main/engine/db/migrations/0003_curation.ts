/** Curation: every action a person takes on samples, with what it changed, so it can be undone. */
export const sql = /* sql */ `
CREATE TABLE curation_actions (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('accept','reject','tag','untag','edit')),
  payload_json TEXT NOT NULL DEFAULT '{}',
  affected INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  undone_at TEXT
);

CREATE TABLE curation_action_items (
  action_id INTEGER NOT NULL REFERENCES curation_actions(id) ON DELETE CASCADE,
  sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  before_status TEXT NOT NULL,
  before_version INTEGER NOT NULL,
  /** For tag actions: whether the sample had the tag before. */
  had_tag INTEGER,
  PRIMARY KEY (action_id, sample_id)
);

CREATE INDEX samples_vote_share ON samples(vote_share);
CREATE INDEX samples_pass_at_k ON samples(pass_at_k);
CREATE INDEX samples_bucket ON samples(bucket);
CREATE INDEX samples_model ON samples(model_id);
CREATE INDEX samples_updated ON samples(updated_at);
CREATE INDEX samples_status ON samples(status);
CREATE INDEX sample_tags_tag ON sample_tags(tag_id);
CREATE INDEX verdicts_verifier ON verdicts(verifier, passed, sample_id);
`;
