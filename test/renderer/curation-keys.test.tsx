// @vitest-environment jsdom
/**
 * Keyboard curation in Samples, rendered in jsdom: a key pressed on the page is a command, the same key typed
 * in a field or with a modifier is not, and nothing runs while a dialog holds the keys.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useCurationKeys, type CurationCommand } from '../../src/renderer/src/features/samples/useCurationKeys';

afterEach(cleanup);

function Page({ paused, seen }: { paused: boolean; seen: CurationCommand[] }) {
  useCurationKeys(paused, (command) => seen.push(command));
  return (
    <div>
      <input data-testid="search" />
      <textarea data-testid="notes" />
      <div data-testid="list" tabIndex={0} />
    </div>
  );
}

describe('useCurationKeys', () => {
  it('runs j, k, a, r, e, t, u and x (and the arrows) pressed outside a text field', () => {
    const seen: CurationCommand[] = [];
    render(<Page paused={false} seen={seen} />);
    for (const key of ['j', 'ArrowDown', 'k', 'ArrowUp', 'a', 'r', 'e', 't', 'u', 'x', 'q'])
      fireEvent.keyDown(screen.getByTestId('list'), { key });
    expect(seen).toEqual(['down', 'down', 'up', 'up', 'accept', 'reject', 'edit', 'tag', 'undo', 'select']);
  });

  it('leaves typing, modified keys and a paused page alone', () => {
    const seen: CurationCommand[] = [];
    const view = render(<Page paused={false} seen={seen} />);
    fireEvent.keyDown(screen.getByTestId('search'), { key: 'a' });
    fireEvent.keyDown(screen.getByTestId('notes'), { key: 'r' });
    fireEvent.keyDown(screen.getByTestId('list'), { key: 'a', ctrlKey: true });
    view.rerender(<Page paused seen={seen} />);
    fireEvent.keyDown(screen.getByTestId('list'), { key: 'a' });
    expect(seen).toEqual([]);
    view.rerender(<Page paused={false} seen={seen} />);
    const pressed = fireEvent.keyDown(screen.getByTestId('list'), { key: 'a' });
    expect(seen).toEqual(['accept']);
    // The browser's own use of the key (scrolling, find) is prevented for a command.
    expect(pressed).toBe(false);
  });
});
