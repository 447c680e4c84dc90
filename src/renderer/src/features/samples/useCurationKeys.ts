import { useEffect, useRef } from 'react';

export type CurationCommand = 'down' | 'up' | 'accept' | 'reject' | 'edit' | 'tag' | 'undo' | 'select';

/** Keyboard curation: j/k (or the arrows) move, a accept, r reject, e edit, t tag, u undo, x select. */
export const CURATION_KEYS: Record<string, CurationCommand> = {
  j: 'down',
  ArrowDown: 'down',
  k: 'up',
  ArrowUp: 'up',
  a: 'accept',
  r: 'reject',
  e: 'edit',
  t: 'tag',
  u: 'undo',
  x: 'select',
};

/** Whether a key press is typing (in a text field) or a dropdown's own navigation, not a curation command. */
export function isTyping(target: HTMLElement, key: string): boolean {
  if (target.closest('textarea, [contenteditable]')) return true;
  const input = target.closest('input');
  // A Select that cannot be typed in is read-only: its keys are commands, but not while its list is open.
  if (input && !input.readOnly) return true;
  const combobox = target.closest('[aria-haspopup="listbox"], [role="combobox"]');
  if (combobox && (combobox.getAttribute('aria-expanded') === 'true' || key.startsWith('Arrow') || key === 'Enter' || key === ' '))
    return true;
  return false;
}

/** Runs the command of each curation key pressed on the page, except while `paused` (a dialog is open). */
export function useCurationKeys(paused: boolean, run: (command: CurationCommand) => void): void {
  const latest = useRef({ paused, run });
  latest.current = { paused, run };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      // Typing in a field or a dropdown is not a command; the sample list, a filter that was chosen or the page are.
      const inDropdown = target.closest('[role="listbox"]') && !target.closest('[data-testid="sample-list"]');
      if (latest.current.paused || inDropdown || isTyping(target, event.key)) return;
      if (event.metaKey || event.ctrlKey || event.altKey) return;
      const command = Object.hasOwn(CURATION_KEYS, event.key) ? CURATION_KEYS[event.key] : undefined;
      if (!command) return;
      latest.current.run(command);
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
