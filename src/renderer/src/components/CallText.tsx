import { Code } from '@mantine/core';
import type { ReactNode } from 'react';
import './CallText.css';

const TOKEN =
  /("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|\b(True|False|None|true|false|null)\b|([A-Za-z_][\w. ]*?)(?=\()|([A-Za-z_]\w*)(?==)/g;

/** Call text with its names, strings, numbers and keywords coloured (no HTML injection: React text only). */
export function CallText({ text, block = true }: { text: string; block?: boolean }) {
  const parts: ReactNode[] = [];
  let last = 0;
  let match: RegExpExecArray | null;
  TOKEN.lastIndex = 0;
  while ((match = TOKEN.exec(text))) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    const [whole, str, num, kw, fn, param] = match;
    const className = str ? 'call-str' : num ? 'call-num' : kw ? 'call-kw' : fn ? 'call-fn' : param ? 'call-param' : undefined;
    parts.push(
      <span key={match.index} className={className}>
        {whole}
      </span>,
    );
    last = match.index + whole.length;
    if (whole.length === 0) TOKEN.lastIndex++;
  }
  if (last < text.length) parts.push(text.slice(last));
  return (
    <Code block={block} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid="call-text">
      {parts}
    </Code>
  );
}
