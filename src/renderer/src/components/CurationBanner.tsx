import { Alert, Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { WaitingRound } from '../../../shared/contract/evolution';
import { useApi, useClient } from '../api/client';

/** Where the round's samples are listed: the Samples view filtered to the round and its unreviewed samples. */
export function roundSamplesHref(w: WaitingRound): string {
  return `/samples?round=${w.id}&status=candidate`;
}

/**
 * Shown in Rounds, Samples and Jobs while a round of a run started with "Wait for me to curate each round"
 * waits at its curation point: what there is to review, where, and the Continue that lets the round go on.
 * It refreshes when a job changes step (the round entering or leaving curation) or samples are curated.
 */
export function CurationBanner() {
  const client = useClient();
  const waiting = useApi('evolution.waiting', {}, { refreshOn: ['jobs.changed', 'samples.changed'] });
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const items = waiting.data?.items ?? [];
  if (!items.length && !error) return null;
  const resume = (w: WaitingRound) => {
    setBusy(w.id);
    setError(null);
    client
      .call('evolution.continue', { runId: w.runId })
      .then(() => waiting.reload())
      .catch((e: Error) => setError(e.message))
      .finally(() => setBusy(null));
  };
  return (
    <Stack gap="xs" data-testid="curation-banner">
      {items.map((w) => (
        <Alert key={w.id} color="yellow" title={`Run ${w.runId}, round ${w.seq} waits for your curation`} data-testid="curation-waiting">
          <Group justify="space-between" wrap="wrap" gap="sm">
            <Text size="sm">
              {w.candidates.toLocaleString()} of {w.samples.toLocaleString()} sample{w.samples === 1 ? '' : 's'} to review:{' '}
              <Anchor
                component={Link}
                to={roundSamplesHref(w)}
                c="var(--mantine-color-yellow-light-color)"
                underline="always"
                fw={600}
                data-testid="curation-review-link"
              >
                review them in Samples
              </Anchor>
              , accept, reject or edit, then continue; the round goes on to selection and training with what you kept.
            </Text>
            <Button size="xs" loading={busy === w.id} onClick={() => resume(w)} data-testid="curation-continue">
              Continue round {w.seq}
            </Button>
          </Group>
        </Alert>
      ))}
      {error && (
        <Alert color="red" title="The round could not be continued" withCloseButton onClose={() => setError(null)}>
          {error}
        </Alert>
      )}
    </Stack>
  );
}
