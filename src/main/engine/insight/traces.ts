import type { Db } from '../db/open';
import { notFound } from '../core/engine-error';
import {
  iterationHistogram,
  stopReasonCounts,
  traceCount,
  traceRow,
  traceRows,
  traceStepRows,
  type TraceFilter,
  type TraceRow,
} from './insight-repo';

export type { TraceFilter } from './insight-repo';

const toRow = <T extends TraceRow>(r: T) => ({ ...r, changed: r.changed === 1 || r.changed === true });

export function listTraces(db: Db, filter: TraceFilter, offset: number, limit: number) {
  const rows = traceRows(db, filter, offset, limit).map(toRow);
  const total = traceCount(db, filter);
  // The histogram and stop reasons describe all traces, so a filter never hides the whole distribution.
  const histogram = iterationHistogram(db);
  const stopReasons = stopReasonCounts(db);
  return { rows: rows as never[], total, histogram, stopReasons };
}

export function traceDetail(db: Db, id: number) {
  const row = traceRow(db, id);
  if (!row) throw notFound(`Refinement trace ${id}`);
  const { tools_json, ...trace } = row;
  const steps = traceStepRows(db, id).map(({ canonical_json, verdicts_json, ...s }) => ({
    ...s,
    canonical: canonical_json ? (JSON.parse(canonical_json) as unknown) : null,
    verdicts: verdicts_json ? (JSON.parse(verdicts_json) as unknown) : null,
  }));
  return { trace: toRow(trace) as never, tools: JSON.parse(tools_json) as unknown, steps };
}
