import type { Db } from '../db/open';
import { questionJsonsOfSet } from '../eval/sets-repo';

/**
 * Keeps held-out queries out of training: a round's training sample whose query text equals (after
 * whitespace normalisation) a user message of an evaluation set the run evaluates on is refused from the
 * mix, so that no accuracy the run reports was trained on.
 */

export function normalizeQuery(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Every user message of a BFCL question (a list of turns, each a list of chat messages). */
function userMessages(question: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const m = v as { role?: unknown; content?: unknown };
      if (m.role === 'user' && typeof m.content === 'string') out.push(m.content);
    }
  };
  walk(question);
  return out;
}

/** The normalised query texts of the named evaluation sets. */
export function heldOutQueries(db: Db, setNames: readonly string[]): Set<string> {
  const texts = new Set<string>();
  for (const name of setNames) {
    for (const json of questionJsonsOfSet(db, name)) {
      let question: unknown;
      try {
        question = JSON.parse(json);
      } catch {
        continue; // an unreadable item is a failed evaluation item, not a query to guard
      }
      for (const m of userMessages(question)) texts.add(normalizeQuery(m));
    }
  }
  return texts;
}

/** Splits items into those that may train and those whose query is a held-out one. */
export function refuseHeldOut<T>(
  items: readonly T[],
  queryOf: (item: T) => string,
  heldOut: ReadonlySet<string>,
): { kept: T[]; refused: T[] } {
  const kept: T[] = [];
  const refused: T[] = [];
  for (const item of items) (heldOut.has(normalizeQuery(queryOf(item))) ? refused : kept).push(item);
  return { kept, refused };
}
