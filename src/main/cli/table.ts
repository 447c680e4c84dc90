/** Prints rows as an aligned plain-text table (no colours: output is often piped). */
export function formatTable(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map((c) => (c === null || c === undefined ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/**
 * A table no line of which is wider than `maxWidth`: when all columns do not fit, they are split into
 * several tables one below the other (blank line between), each repeating the first `keep` columns (the
 * row's key, e.g. the round), so a piped log or an 80–100-column terminal never wraps a row.
 */
export function formatTableWithin(
  headers: string[],
  rows: (string | number | null | undefined)[][],
  options: { maxWidth?: number; keep?: number } = {},
): string {
  const maxWidth = options.maxWidth ?? 100;
  const keep = Math.min(options.keep ?? 1, headers.length);
  const text = (c: string | number | null | undefined) => (c === null || c === undefined ? '' : String(c));
  const widthOf = (i: number) => Math.max(headers[i]!.length, ...rows.map((r) => text(r[i]).length));
  const kept = Array.from({ length: keep }, (_, i) => i);
  const keptWidth = kept.reduce((w, i) => w + widthOf(i) + 2, 0);
  const groups: number[][] = [];
  let group: number[] = [];
  let width = keptWidth;
  for (let i = keep; i < headers.length; i++) {
    const w = widthOf(i) + 2;
    if (group.length && width + w - 2 > maxWidth) {
      groups.push(group);
      group = [];
      width = keptWidth;
    }
    group.push(i);
    width += w;
  }
  if (group.length || !groups.length) groups.push(group);
  return groups
    .map((g) => {
      const cols = [...kept, ...g];
      const table = formatTable(
        cols.map((i) => headers[i]!),
        rows.map((r) => cols.map((i) => r[i])),
      );
      // A single column wider than the limit is cut, marked with an ellipsis.
      return table
        .split('\n')
        .map((line) => (line.length > maxWidth ? `${line.slice(0, maxWidth - 1)}…` : line))
        .join('\n');
    })
    .join('\n\n');
}
