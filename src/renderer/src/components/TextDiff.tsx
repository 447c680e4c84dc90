import { Code } from '@mantine/core';

type Op = { kind: 'same' | 'add' | 'del'; text: string };

/** Word-level diff (longest common subsequence); inputs are short call texts, so O(n·m) is fine. */
export function diffWords(before: string, after: string): Op[] {
  const a = before.split(/(\s+|(?=[(),=[\]])|(?<=[(),=[\]]))/).filter(Boolean);
  const b = after.split(/(\s+|(?=[(),=[\]])|(?<=[(),=[\]]))/).filter(Boolean);
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: Op[] = [];
  const push = (kind: Op['kind'], text: string) => {
    const prev = ops[ops.length - 1];
    if (prev?.kind === kind) prev.text += text;
    else ops.push({ kind, text });
  };
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      push('same', a[i]!);
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) push('del', a[i++]!);
    else push('add', b[j++]!);
  }
  while (i < n) push('del', a[i++]!);
  while (j < m) push('add', b[j++]!);
  return ops;
}

export function TextDiff({ before, after }: { before: string; after: string }) {
  return (
    <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid="text-diff">
      {diffWords(before, after).map((op, i) =>
        op.kind === 'same' ? (
          <span key={i}>{op.text}</span>
        ) : op.kind === 'add' ? (
          <ins key={i} style={{ background: 'var(--mantine-color-green-light)', textDecoration: 'none' }}>
            {op.text}
          </ins>
        ) : (
          <del key={i} style={{ background: 'var(--mantine-color-red-light)' }}>
            {op.text}
          </del>
        ),
      )}
    </Code>
  );
}
