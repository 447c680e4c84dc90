import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useRef, useState } from 'react';

/**
 * A text field's own value, handed on after a pause (or at once by the returned `send`). A value from outside
 * replaces it only when it is not the one this field sent itself, so keys typed while the list reloads stay.
 */
export function useSettledText(
  external: string,
  delay: number,
  onSettle: (text: string) => void,
): [string, (t: string) => void, () => void] {
  const [text, setText] = useState(external);
  const [debounced] = useDebouncedValue(text, delay);
  const sent = useRef(external);
  const settle = useRef(onSettle);
  settle.current = onSettle;
  useEffect(() => {
    if (external === sent.current) return;
    sent.current = external;
    setText(external);
  }, [external]);
  const send = (value: string) => {
    if (value === sent.current) return;
    sent.current = value;
    settle.current(value);
  };
  useEffect(() => send(debounced), [debounced]);
  return [text, setText, () => send(text)];
}
