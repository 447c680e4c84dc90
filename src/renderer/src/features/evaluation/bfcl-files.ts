/** The last user message of a BFCL question (a list of turns, each a list of chat messages). */
export function questionText(question: unknown): string {
  const turns = Array.isArray(question) ? question.flat(2) : [];
  const users = turns.filter(
    (m): m is { role: string; content: string } => typeof m === 'object' && m !== null && (m as { role?: unknown }).role === 'user',
  );
  return users.at(-1)?.content ?? JSON.stringify(question);
}

/** BFCL result file: one {"id", "result"} per line. */
export async function readOutputs(file: File): Promise<{ id: string; result: string }[]> {
  const lines = (await file.text()).split('\n');
  const out: { id: string; result: string }[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let record: { id?: unknown; result?: unknown };
    try {
      record = JSON.parse(line) as { id?: unknown; result?: unknown };
    } catch (error) {
      throw new Error(`${file.name}:${i + 1}: not valid JSON (${(error as Error).message})`);
    }
    if (typeof record.id !== 'string') throw new Error(`${file.name}:${i + 1}: "id" must be a string`);
    out.push({ id: record.id, result: typeof record.result === 'string' ? record.result : JSON.stringify(record.result ?? '') });
  });
  return out;
}
