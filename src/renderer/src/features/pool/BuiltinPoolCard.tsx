import { Badge, Button, Card, Group, Text } from '@mantine/core';
import { useState } from 'react';
import { useApi, useClient } from '../../api/client';

/**
 * The built-in pool and held-out sets this workspace holds against the version this app ships, with the
 * button that installs or updates them (pool "builtin" only; the user's own pools are never touched).
 */
export function BuiltinPoolCard() {
  const client = useClient();
  const status = useApi('pool.status', {}, { refreshOn: ['tools.changed', 'eval.changed'] });
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ color: string; text: string } | null>(null);
  const s = status.data;
  const complete = s ? s.upToDate && s.tools === s.shipped.tools && s.evalSets.every((e) => e.present) : false;
  const install = async () => {
    setBusy(true);
    setResult(null);
    try {
      const r = await client.call('pool.install', {});
      const sets = r.evalSets.added.length ? ` · sets added: ${r.evalSets.added.join(', ')}` : '';
      setResult({
        color: 'teal',
        text: `Built-in pool: ${r.pool.added} added, ${r.pool.updated} updated, ${r.pool.removed} removed, ${r.pool.unchanged} unchanged${sets}. Your own pools were not touched.`,
      });
    } catch (error) {
      setResult({ color: 'red', text: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card withBorder padding="sm" data-testid="builtin-card">
      <Group justify="space-between" wrap="nowrap">
        <div>
          <Group gap="xs">
            <Text fw={600} size="sm">
              Built-in pool and held-out sets
            </Text>
            {s && (
              <Badge color={complete ? 'teal.9' : 'orange.9'} variant="filled" data-testid="builtin-state">
                {complete ? 'up to date' : s.installed.pool === null ? 'not installed' : !s.upToDate ? 'update available' : 'incomplete'}
              </Badge>
            )}
          </Group>
          {s && (
            <Text size="xs" c="dimmed">
              {s.tools} of {s.shipped.tools} built-in tools ·{' '}
              {s.evalSets.map((e) => (e.present ? `${e.name} (${e.items} items)` : `${e.name} (missing)`)).join(' · ')}
            </Text>
          )}
          {status.error && (
            <Text size="xs" c="red.9">
              {status.error.message}
            </Text>
          )}
        </div>
        <Button
          size="xs"
          variant={complete ? 'default' : 'filled'}
          loading={busy}
          onClick={() => void install()}
          data-testid="builtin-install"
        >
          {complete ? 'Re-install built-in pool' : 'Install built-in pool'}
        </Button>
      </Group>
      {result && (
        <Text size="xs" mt={4} c={result.color === 'red' ? 'red.9' : undefined} data-testid="builtin-result">
          {result.text}
        </Text>
      )}
    </Card>
  );
}
