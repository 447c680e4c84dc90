import type { DataFormat } from '../../../shared/contract/formats';
import type { InvocationCategory } from '../../../shared/contract/samples';
import type { Call, ToolDef } from '../tools/types';

export type { DataFormat };

/** A record that does not fit its format. `path` is the field inside the record ('' for the record). */
export class RecordError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(path ? `${path}: ${reason}` : reason);
    this.name = 'RecordError';
  }
}

/** A turn of a draft conversation: like `samples-repo`'s `Turn`, with calls still parsed. */
export type DraftTurn =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string }
  | { role: 'assistant'; calls: Call[] }
  | { role: 'tool'; content: string; name?: string };

/**
 * What a reader makes of one record: the conversation and the tools, not yet checked. A record yields
 * one draft per assistant turn that is a call list, or an answer in words right after a user turn.
 */
export interface DraftSample {
  /** The tools as the source wrote them (normalised and checked afterwards). */
  tools: ToolDef[];
  /** The conversation before the output (no system prompt); ends with a user or tool turn. */
  prompt: DraftTurn[];
  system?: string;
  /** The calls made, or the answer in words when none is made. */
  output: { calls: Call[] } | { text: string };
  /** Field path of the output in the record (for errors found later). */
  outputPath: string;
  /** The source's own category, where it names one (BFCL). */
  category?: InvocationCategory;
}

/** An invocation sample as the writers see it. */
export interface ExportSample {
  id: number;
  category: InvocationCategory;
  query: string;
  tools: ToolDef[];
  /** The whole conversation before the output (at least the query as one user turn). */
  prompt: DraftTurn[];
  system?: string;
  output: { calls: Call[] } | { text: string };
  /** The sample's `split:` tag (train / validation / test), if any. */
  split?: string;
  sourceFormat: string | null;
  sourceFile: string | null;
  roundId: number | null;
  status: string;
}

/** What a reader may need beyond the record: BFCL's possible answers, by question id. */
export interface ReadContext {
  answers?: ReadonlyMap<string, unknown>;
}

export interface FormatModule {
  id: DataFormat;
  label: string;
  /** Files an export writes, in words. */
  writes: string;
  /** How well one record fits: 0 (not at all) … 1 (certainly this format). */
  detect(record: unknown): number;
  /** The drafts of one record; throws `RecordError` naming the field. */
  read(record: unknown, context?: ReadContext): DraftSample[];
  /** One record for one sample (JSONL formats). */
  write(sample: ExportSample): unknown;
  /** Why the format cannot hold a sample (exports skip it with this reason), or undefined. */
  cannotHold?(sample: ExportSample): string | undefined;
}
