/** Core tables every domain builds on. Never edit once released: add a new migration instead. */
export const sql = /* sql */ `
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value_json TEXT NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

CREATE TABLE models (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  file TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'base' CHECK (kind IN ('base','finetune','adapter','starter')),
  parent_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
  round_id INTEGER,
  adapter_file TEXT,
  trainer TEXT,
  architecture TEXT,
  parameters INTEGER,
  quantization TEXT,
  context_length INTEGER,
  chat_template TEXT,
  size_bytes INTEGER,
  sha256 TEXT,
  metadata_json TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued','running','paused','cancelling','cancelled','failed','done')),
  resource TEXT NOT NULL DEFAULT 'light' CHECK (resource IN ('light','model')),
  settings_json TEXT NOT NULL DEFAULT '{}',
  result_json TEXT,
  error TEXT,
  error_stack TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  started_at TEXT,
  finished_at TEXT,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX jobs_state ON jobs(state);

CREATE TABLE job_steps (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','running','done','failed','skipped')),
  input_json TEXT NOT NULL DEFAULT '{}',
  output_json TEXT,
  checkpoint_json TEXT,
  done REAL NOT NULL DEFAULT 0,
  total REAL,
  attempts INTEGER NOT NULL DEFAULT 0,
  started_at TEXT,
  finished_at TEXT,
  UNIQUE (job_id, seq)
);

CREATE TABLE job_logs (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  step_id INTEGER REFERENCES job_steps(id) ON DELETE CASCADE,
  level TEXT NOT NULL CHECK (level IN ('debug','info','warn','error')),
  message TEXT NOT NULL,
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX job_logs_job ON job_logs(job_id, id);

CREATE TABLE rounds (
  id INTEGER PRIMARY KEY,
  job_id INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running','accepted','rolled_back','failed','cancelled')),
  base_model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
  result_model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
  settings_json TEXT NOT NULL DEFAULT '{}',
  template_hash TEXT,
  started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  finished_at TEXT,
  UNIQUE (run_id, seq)
);

CREATE TABLE round_metrics (
  id INTEGER PRIMARY KEY,
  round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  category TEXT NOT NULL DEFAULT '',
  value REAL NOT NULL,
  UNIQUE (round_id, name, category)
);

CREATE TABLE tools (
  id INTEGER PRIMARY KEY,
  pool TEXT NOT NULL DEFAULT 'default',
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  domain TEXT,
  schema_json TEXT NOT NULL,
  original_json TEXT NOT NULL,
  implementation TEXT,
  source TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  UNIQUE (pool, name)
);

CREATE TABLE queries (
  id INTEGER PRIMARY KEY,
  text TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('import','generated','paraphrase','seed','user')),
  category TEXT,
  round_id INTEGER REFERENCES rounds(id) ON DELETE SET NULL,
  tools_json TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

CREATE TABLE samples (
  id INTEGER PRIMARY KEY,
  subtask TEXT NOT NULL CHECK (subtask IN ('doc_adaption','tool_generation','invocation','refinement')),
  status TEXT NOT NULL DEFAULT 'candidate' CHECK (status IN ('candidate','accepted','rejected','edited')),
  category TEXT,
  round_id INTEGER REFERENCES rounds(id) ON DELETE SET NULL,
  query_id INTEGER REFERENCES queries(id) ON DELETE SET NULL,
  model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
  current_version INTEGER NOT NULL DEFAULT 1,
  dedupe_key TEXT UNIQUE,
  vote_share REAL,
  pass_at_k REAL,
  bucket TEXT CHECK (bucket IS NULL OR bucket IN ('mastered','learnable','unreachable')),
  template_hash TEXT,
  sampling_json TEXT,
  source_file TEXT,
  source_line INTEGER,
  source_format TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX samples_subtask_status ON samples(subtask, status);
CREATE INDEX samples_round ON samples(round_id);
CREATE INDEX samples_category ON samples(category);

CREATE TABLE sample_versions (
  id INTEGER PRIMARY KEY,
  sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  query_text TEXT NOT NULL DEFAULT '',
  input_json TEXT NOT NULL,
  output_text TEXT NOT NULL,
  author TEXT NOT NULL DEFAULT 'engine' CHECK (author IN ('engine','user','import')),
  note TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  UNIQUE (sample_id, version)
);

CREATE TABLE verdicts (
  id INTEGER PRIMARY KEY,
  sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  version INTEGER NOT NULL DEFAULT 1,
  verifier TEXT NOT NULL CHECK (verifier IN ('format','schema','consistency','execution','human')),
  passed INTEGER NOT NULL CHECK (passed IN (0,1)),
  reason TEXT NOT NULL,
  details_json TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX verdicts_sample ON verdicts(sample_id);

CREATE TABLE sample_passk (
  sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
  k INTEGER NOT NULL,
  matches INTEGER NOT NULL,
  p REAL NOT NULL,
  bucket TEXT NOT NULL CHECK (bucket IN ('mastered','learnable','unreachable')),
  selected INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (sample_id, round_id)
);

CREATE TABLE tags (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  color TEXT
);
CREATE TABLE sample_tags (
  sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  PRIMARY KEY (sample_id, tag_id)
);

CREATE TABLE eval_sets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL DEFAULT 'bfcl' CHECK (kind IN ('bfcl','builtin','custom')),
  source TEXT,
  item_count INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

CREATE TABLE eval_items (
  id INTEGER PRIMARY KEY,
  set_id INTEGER NOT NULL REFERENCES eval_sets(id) ON DELETE CASCADE,
  item_key TEXT NOT NULL,
  category TEXT NOT NULL,
  question_json TEXT NOT NULL,
  tools_json TEXT NOT NULL,
  answer_json TEXT,
  UNIQUE (set_id, item_key)
);

CREATE TABLE eval_runs (
  id INTEGER PRIMARY KEY,
  set_id INTEGER NOT NULL REFERENCES eval_sets(id) ON DELETE CASCADE,
  model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
  round_id INTEGER REFERENCES rounds(id) ON DELETE SET NULL,
  label TEXT NOT NULL DEFAULT '',
  settings_json TEXT NOT NULL DEFAULT '{}',
  summary_json TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  finished_at TEXT
);

CREATE TABLE eval_results (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES eval_runs(id) ON DELETE CASCADE,
  item_id INTEGER NOT NULL REFERENCES eval_items(id) ON DELETE CASCADE,
  output_text TEXT NOT NULL,
  valid INTEGER NOT NULL CHECK (valid IN (0,1)),
  error_type TEXT,
  error_json TEXT,
  trace_id INTEGER,
  UNIQUE (run_id, item_id)
);

CREATE TABLE refinement_traces (
  id INTEGER PRIMARY KEY,
  model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
  round_id INTEGER REFERENCES rounds(id) ON DELETE SET NULL,
  eval_run_id INTEGER REFERENCES eval_runs(id) ON DELETE CASCADE,
  sample_id INTEGER REFERENCES samples(id) ON DELETE SET NULL,
  query TEXT NOT NULL,
  tools_json TEXT NOT NULL,
  stop_reason TEXT NOT NULL,
  iterations INTEGER NOT NULL,
  changed INTEGER NOT NULL CHECK (changed IN (0,1)),
  final_text TEXT NOT NULL,
  total_tokens INTEGER NOT NULL DEFAULT 0,
  total_ms REAL NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

CREATE TABLE trace_steps (
  id INTEGER PRIMARY KEY,
  trace_id INTEGER NOT NULL REFERENCES refinement_traces(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  input_text TEXT NOT NULL,
  output_text TEXT NOT NULL,
  canonical_json TEXT,
  verdicts_json TEXT,
  tokens INTEGER NOT NULL DEFAULT 0,
  ms REAL NOT NULL DEFAULT 0,
  UNIQUE (trace_id, seq)
);

-- Full-text search over each sample's current version (query and output), kept by triggers so no
-- write path can forget it.
CREATE VIRTUAL TABLE sample_fts USING fts5(query, body, tokenize = 'unicode61');

CREATE TRIGGER sample_versions_fts AFTER INSERT ON sample_versions
WHEN NEW.version = (SELECT current_version FROM samples WHERE id = NEW.sample_id)
BEGIN
  DELETE FROM sample_fts WHERE rowid = NEW.sample_id;
  INSERT INTO sample_fts (rowid, query, body) VALUES (NEW.sample_id, NEW.query_text, NEW.output_text);
END;

CREATE TRIGGER samples_version_fts AFTER UPDATE OF current_version ON samples
BEGIN
  DELETE FROM sample_fts WHERE rowid = NEW.id;
  INSERT INTO sample_fts (rowid, query, body)
    SELECT NEW.id, query_text, output_text FROM sample_versions
    WHERE sample_id = NEW.id AND version = NEW.current_version;
END;

CREATE TRIGGER samples_delete_fts AFTER DELETE ON samples
BEGIN
  DELETE FROM sample_fts WHERE rowid = OLD.id;
END;
`;
