// @vitest-environment jsdom
/**
 * The Samples filters as data (one description per filter, drawn by one component) and the text fields'
 * settling, rendered by React in jsdom: a filter changes the URL state the way the person meant.
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Output } from '../../src/shared/contract';
import { FILTER_ROWS, type ChoiceField } from '../../src/renderer/src/features/samples/filter-fields';
import { browseFilterOf, queryFromState, stateFromQuery } from '../../src/renderer/src/features/samples/filter-url';
import { useSettledText } from '../../src/renderer/src/features/samples/useSettledText';

afterEach(cleanup);

type Round = Output<'evolution.rounds'>['items'][number];
const field = (label: string) => FILTER_ROWS.flat().find((f) => f.label === label) as ChoiceField;
const rounds = [
  { id: 1, runId: 'run-a', seq: 1 },
  { id: 2, runId: 'run-a', seq: 2 },
  { id: 7, runId: 'run-b', seq: 1 },
] as Round[];

describe('the Samples filter fields', () => {
  it('lists every filter once, in rows, each reading and writing its own part of the state', () => {
    const labels = FILTER_ROWS.map((row) => row.map((f) => f.label));
    expect(labels).toEqual([
      ['Search', 'Sort'],
      ['Run', 'Round', 'Of the round', 'Sub-task'],
      ['Status', 'Category', 'pass@k bucket', 'Verdict', 'Tag'],
    ]);
    const state = stateFromQuery(new URLSearchParams('status=accepted&bucket=learnable&verdict=schema:fail&sort=passAtK:asc'));
    expect(field('Status').read(state)).toEqual(['accepted']);
    expect(field('Verdict').read(state)).toBe('schema:fail');
    expect(field('Sort').read(state)).toBe('passAtK:asc');
    const next = { ...state, ...field('Category').patch(['parallel', 'simple']), ...field('Sort').patch('id:asc') };
    expect(queryFromState(next).toString()).toBe(
      'status=accepted&category=parallel%2Csimple&bucket=learnable&verdict=schema%3Afail&sort=id%3Aasc',
    );
    expect(
      field('Sub-task')
        .options(state, [])
        .map((o) => (typeof o === 'string' ? o : o.value)),
    ).toEqual(['invocation', 'tool_generation', 'doc_adaption', 'refinement']);
  });

  it('offers the runs that have rounds, the chosen run’s rounds, and clears the round when the run changes', () => {
    const state = stateFromQuery(new URLSearchParams('run=run-a&round=2'));
    expect(field('Run').options(state, rounds)).toEqual(['run-a', 'run-b']);
    expect(field('Round').options(state, rounds)).toEqual([
      { value: '1', label: 'run-a · round 1' },
      { value: '2', label: 'run-a · round 2' },
    ]);
    expect(field('Run').patch('run-b')).toEqual({ run: 'run-b', round: null });
    expect(field('Of the round').disabled?.(state)).toBe(false);
    expect(field('Of the round').disabled?.({ ...state, round: null })).toBe(true);
    // The round filter stands for the run: the engine is not asked for the run as well.
    expect(browseFilterOf(state)).toEqual({ round: [2] });
  });

  it('shows a round the URL names before the list of rounds holds it', () => {
    const state = stateFromQuery(new URLSearchParams('round=99'));
    expect(field('Round').options(state, rounds)).toContainEqual({ value: '99', label: 'round id 99' });
    expect(field('Round').patch(null)).toEqual({ round: null });
  });
});

function Field({ external, onSettle }: { external: string; onSettle: (t: string) => void }) {
  const [text, setText, send] = useSettledText(external, 20, onSettle);
  return (
    <>
      <input data-testid="field" value={text} onChange={(e) => setText(e.currentTarget.value)} />
      <button onClick={send}>now</button>
    </>
  );
}

describe('useSettledText', () => {
  it('hands on what was typed once, when typing pauses or at once, and keeps it when its own value comes back', async () => {
    const settled: string[] = [];
    function Host() {
      const [external, setExternal] = useState('');
      return <Field external={external} onSettle={(t) => (settled.push(t), setExternal(t))} />;
    }
    render(<Host />);
    fireEvent.change(screen.getByTestId('field'), { target: { value: 'par' } });
    fireEvent.change(screen.getByTestId('field'), { target: { value: 'paris' } });
    await waitFor(() => expect(settled).toEqual(['paris']));
    fireEvent.change(screen.getByTestId('field'), { target: { value: 'paris weather' } });
    act(() => screen.getByText('now').click());
    expect(settled).toEqual(['paris', 'paris weather']);
    expect((screen.getByTestId('field') as HTMLInputElement).value).toBe('paris weather');
  });

  it('takes a value from outside (a link, back) that it did not send itself', () => {
    const view = render(<Field external="one" onSettle={() => undefined} />);
    view.rerender(<Field external="two" onSettle={() => undefined} />);
    expect((screen.getByTestId('field') as HTMLInputElement).value).toBe('two');
  });
});
