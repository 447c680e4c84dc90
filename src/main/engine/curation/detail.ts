import type { SampleDetail } from '../../../shared/contract/curation';
import type { Db } from '../db/open';
import { notFound } from '../core/engine-error';
import { VISIBLE_SAMPLE } from '../samples/samples-repo';
import { pageSamples } from './browse';

/** Everything the detail pane shows about one sample. */
export function sampleDetail(db: Db, id: number): SampleDetail {
  const page = pageSamples(db, { filter: { ids: [id] }, sort: { key: 'id', dir: 'asc' }, offset: 0, limit: 1 });
  const row = page.rows[0];
  if (!row) throw notFound(`Sample ${id}`);
  const meta = db
    .prepare(
      `SELECT s.template_hash, s.sampling_json, s.source_file, s.source_line, s.source_format, s.created_at,
              r.seq AS round_seq, m.name AS model_name, v.input_json
       FROM samples s
       LEFT JOIN rounds r ON r.id = s.round_id
       LEFT JOIN models m ON m.id = s.model_id
       JOIN sample_versions v ON v.sample_id = s.id AND v.version = s.current_version
       WHERE s.id = ? AND ${VISIBLE_SAMPLE}`,
    )
    .get(id) as {
    template_hash: string | null;
    sampling_json: string | null;
    source_file: string | null;
    source_line: number | null;
    source_format: string | null;
    created_at: string;
    round_seq: number | null;
    model_name: string | null;
    input_json: string;
  };
  const versions = db
    .prepare(
      'SELECT version, query_text AS query, output_text AS output, author, note, created_at AS createdAt FROM sample_versions WHERE sample_id = ? ORDER BY version',
    )
    .all(id) as SampleDetail['versions'];
  const verdictRows = db
    .prepare('SELECT verifier, passed, reason, version, details_json, created_at FROM verdicts WHERE sample_id = ? ORDER BY id')
    .all(id) as { verifier: string; passed: number; reason: string; version: number; details_json: string | null; created_at: string }[];
  const verdicts = verdictRows.map((v) => ({
    verifier: v.verifier,
    passed: v.passed === 1,
    reason: v.reason,
    version: v.version,
    details: v.details_json ? (JSON.parse(v.details_json) as unknown) : null,
    createdAt: v.created_at,
  }));
  const passHistory = (
    db
      .prepare(
        `SELECT p.round_id AS roundId, r.seq AS roundSeq, p.k, p.matches, p.p, p.bucket, p.selected
         FROM sample_passk p LEFT JOIN rounds r ON r.id = p.round_id WHERE p.sample_id = ? ORDER BY p.round_id`,
      )
      .all(id) as {
      roundId: number;
      roundSeq: number | null;
      k: number;
      matches: number;
      p: number;
      bucket: 'mastered' | 'learnable' | 'unreachable';
      selected: number;
    }[]
  ).map((h) => ({ ...h, selected: h.selected === 1 }));
  // The list's row holds the first characters of the text; the detail shows (and edits start from) all of it.
  const current = versions.find((v) => v.version === row.version);
  return {
    row: current ? { ...row, query: current.query, output: current.output } : row,
    input: JSON.parse(meta.input_json) as unknown,
    versions,
    verdicts,
    passHistory,
    provenance: {
      roundId: row.roundId,
      roundSeq: meta.round_seq,
      model: meta.model_name,
      templateHash: meta.template_hash,
      sampling: meta.sampling_json ? (JSON.parse(meta.sampling_json) as unknown) : null,
      source: meta.source_file ? { file: meta.source_file, line: meta.source_line, format: meta.source_format } : null,
      createdAt: meta.created_at,
    },
    votes: votesFrom(verdicts),
  };
}

/** The vote distribution, as the consistency verifier recorded it in its verdict's details. */
function votesFrom(verdicts: { verifier: string; details: unknown }[]): { answer: string; count: number }[] | null {
  const consistency = [...verdicts].reverse().find((v) => v.verifier === 'consistency');
  const votes = (consistency?.details as { votes?: unknown } | null)?.votes;
  if (!Array.isArray(votes)) return null;
  return votes
    .filter((v): v is { answer: string; count: number } => typeof v?.answer === 'string' && typeof v?.count === 'number')
    .sort((a, b) => b.count - a.count);
}
