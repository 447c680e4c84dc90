/**
 * Imports of data files: each import's settings, counters and problems. Valid records are staged in a file
 * beside the database while the source streams by (`cursor_json`: how far, and how many staged bytes are
 * complete); the samples are written in one transaction at the end, so a cancelled or rejected import leaves
 * nothing in `samples`.
 */
export const sql = /* sql */ `
CREATE TABLE imports (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL,
  format TEXT NOT NULL,
  options_json TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL DEFAULT 'reading'
    CHECK (state IN ('reading','storing','done','rejected','cancelled','failed')),
  cursor_json TEXT,
  records INTEGER NOT NULL DEFAULT 0,
  samples INTEGER NOT NULL DEFAULT 0,
  stored INTEGER NOT NULL DEFAULT 0,
  duplicates INTEGER NOT NULL DEFAULT 0,
  problem_count INTEGER NOT NULL DEFAULT 0,
  problems_json TEXT NOT NULL DEFAULT '[]',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  finished_at TEXT
);

`;
