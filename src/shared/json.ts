/** JSON helpers shared by the engine, the CLI and the UI, so each reads a file the same way. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses a JSON document, or else JSON Lines (one value per non-empty line). Errors name `source` and, for
 * JSON Lines, the line in the file (blank lines counted), as every reader of user files must.
 */
export function parseJsonOrLines(text: string, source: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(body);
  } catch (error) {
    const lines = body.split('\n');
    const filled = lines.filter((l) => l.trim() !== '');
    if (filled.length > 1) {
      const values: unknown[] = [];
      lines.forEach((line, i) => {
        if (line.trim() === '') return;
        try {
          values.push(JSON.parse(line));
        } catch (lineError) {
          throw new Error(`${source}:${i + 1}: not valid JSON (${(lineError as Error).message}).`);
        }
      });
      return values;
    }
    throw new Error(`${source}: not valid JSON (${(error as Error).message}).`);
  }
}
