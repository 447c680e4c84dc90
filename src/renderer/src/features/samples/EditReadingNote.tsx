import { Badge, Group, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { EditReading } from '../../../../shared/contract/curation';
import { useClient } from '../../api/client';

const LABEL: Record<EditReading['kind'], string> = {
  calls: 'call syntax',
  words: 'an answer in words',
  invalid: 'neither calls nor words',
};

/**
 * Under the edit form's text: what the text reads as while it is typed (call syntax or an answer in words),
 * and, where saving it would be refused, the engine's reason. The engine reads it (`samples.checkEdit`), so
 * what is shown here is exactly what saving decides.
 */
export function EditReadingNote({ id, output }: { id: number; output: string | undefined }) {
  const client = useClient();
  const [reading, setReading] = useState<EditReading | null>(null);
  useEffect(() => {
    if (output === undefined || output === '') {
      setReading(output === '' ? { ok: false, kind: 'invalid', calls: 0, reason: 'The edit is empty.' } : null);
      return;
    }
    let live = true;
    // A short pause so that a fast typist sends one request, not one per key.
    const timer = setTimeout(() => {
      client
        .call('samples.checkEdit', { id, output })
        .then((r) => live && setReading(r))
        .catch((e: Error) => live && setReading({ ok: false, kind: 'invalid', calls: 0, reason: e.message }));
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, id, output]);
  if (!reading) return null;
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start" data-testid="edit-reading" data-kind={reading.kind} data-ok={reading.ok}>
      <Badge variant="light" color={reading.ok ? 'teal' : 'red'} style={{ flexShrink: 0 }}>
        {LABEL[reading.kind]}
        {reading.kind === 'calls' && reading.calls > 0 ? `: ${reading.calls} call${reading.calls === 1 ? '' : 's'}` : ''}
      </Badge>
      <Text size="sm" c={reading.ok ? 'dimmed' : 'red.8'} data-testid="edit-reading-reason">
        {reading.ok ? 'Saving stores it as a new version; the verifiers then judge it.' : `Cannot be saved: ${reading.reason}`}
      </Text>
    </Group>
  );
}
