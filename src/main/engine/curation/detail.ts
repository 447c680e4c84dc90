import type { SampleDetail } from '../../../shared/contract/curation';
import type { Db } from '../db/open';
import { notFound } from '../core/engine-error';
import { passHistoryOf } from '../evolution/rounds-repo';
import { sampleMeta, sampleVersions } from '../samples/samples-repo';
import { verdictHistory } from '../subtasks/verdicts-repo';
import { pageSamples } from './browse';

/** Everything the detail pane shows about one sample. */
export function sampleDetail(db: Db, id: number): SampleDetail {
  const page = pageSamples(db, { filter: { ids: [id] }, sort: { key: 'id', dir: 'asc' }, offset: 0, limit: 1 });
  const row = page.rows[0];
  if (!row) throw notFound(`Sample ${id}`);
  const meta = sampleMeta(db, id)!;
  const versions = sampleVersions(db, id);
  const verdicts = verdictHistory(db, id).map((v) => ({
    verifier: v.verifier,
    passed: v.passed === 1,
    reason: v.reason,
    version: v.version,
    details: v.details_json ? (JSON.parse(v.details_json) as unknown) : null,
    createdAt: v.created_at,
  }));
  const passHistory = passHistoryOf(db, id).map((h) => ({ ...h, selected: h.selected === 1 }));
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
