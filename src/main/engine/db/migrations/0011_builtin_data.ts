/**
 * Which version of the bundled data (the built-in tool pool, the held-out evaluation sets) a workspace
 * holds. The data itself is installed by the engine when a workspace opens (pool/builtin-data.ts): a new
 * workspace and an existing one without this table's row get it then, and a newer Toolsmith whose data
 * changed updates it. The version is a hash of what was installed, so "is it up to date" is one lookup.
 */
export const sql = /* sql */ `
CREATE TABLE builtin_data (
  part TEXT PRIMARY KEY,
  version TEXT NOT NULL,
  installed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
) WITHOUT ROWID;
`;
