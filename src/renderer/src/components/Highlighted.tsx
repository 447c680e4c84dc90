import { Mark } from '@mantine/core';

/** Renders search highlights that the engine marks with \u0001 … \u0002. */
export function Highlighted({ text }: { text: string }) {
  // The markers are control characters on purpose: they cannot occur in sample text.
  // eslint-disable-next-line no-control-regex
  const pieces = text.split(/(\u0001[^\u0002]*\u0002)/);
  return (
    <>{pieces.map((piece, i) => (piece.startsWith('\u0001') ? <Mark key={i}>{piece.slice(1, -1)}</Mark> : <span key={i}>{piece}</span>))}</>
  );
}
