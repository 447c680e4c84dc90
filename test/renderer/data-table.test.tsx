// @vitest-environment jsdom
/**
 * DataTable with the engine's real tool list: a header and a row per item, the empty state when there is
 * none, and rows chosen by click or from the keyboard.
 */
import { act, fireEvent, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { useApi } from '../../src/renderer/src/api/client';
import { DataTable } from '../../src/renderer/src/ui/DataTable';
import { renderWithEngine } from './render-with-engine';

const tool = (name: string) => ({
  type: 'function',
  function: { name, description: `Does ${name}.`, parameters: { type: 'object', properties: {} } },
});

function ToolTable() {
  const tools = useApi('tools.list', { pool: 'default' }, { refreshOn: ['tools.changed'] });
  const [picked, setPicked] = useState<string | null>(null);
  return (
    <>
      <DataTable
        rows={tools.data?.items ?? []}
        loading={tools.loading}
        rowKey={(t) => t.id}
        columns={[{ key: 'name', header: 'Tool', cell: (t) => t.name }]}
        onRowClick={(t) => setPicked(t.name)}
        isSelected={(t) => t.name === picked}
        rowProps={(t) => ({ 'data-testid': `row-${t.name}` })}
        empty={<p>No tools yet</p>}
      />
      <p data-testid="picked">{picked ?? 'none'}</p>
    </>
  );
}

describe('DataTable', () => {
  it('shows the empty state, then a row per item; a click or Enter picks one and marks it selected', async () => {
    const { client } = renderWithEngine(<ToolTable />);
    expect(await screen.findByText('No tools yet')).toBeTruthy();
    await act(async () => {
      await client.call('tools.import', { tools: [tool('add'), tool('get_weather')] });
    });
    expect(await screen.findByRole('columnheader', { name: 'Tool' })).toBeTruthy();
    fireEvent.click(await screen.findByTestId('row-add'));
    expect(screen.getByTestId('picked').textContent).toBe('add');
    expect(screen.getByTestId('row-add').getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(screen.getByTestId('row-get_weather'), { key: 'Enter' });
    expect(screen.getByTestId('picked').textContent).toBe('get_weather');
    expect(screen.getByTestId('row-add').getAttribute('aria-selected')).toBe('false');
  });
});
