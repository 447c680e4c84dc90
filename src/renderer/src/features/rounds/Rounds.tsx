import { Group, Stack } from '@mantine/core';
import { useState } from 'react';
import { useApi } from '../../api/client';
import { CurationBanner } from '../../components/CurationBanner';
import { EmptyState } from '../../components/EmptyState';
import { EvolveButton } from '../../components/EvolveDialog';
import { ViewHeader } from '../../components/ViewHeader';
import { RoundDetail } from './RoundDetail';
import { RoundTimeline } from './RoundTimeline';

const DESCRIPTION = 'The self-evolution timeline: what each round generated, selected, trained and scored.';

export function Rounds() {
  const rounds = useApi('insight.rounds', {}, { refreshOn: ['jobs.changed', 'samples.changed'] });
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const list = rounds.data?.rounds ?? [];
  if (rounds.data && list.length === 0) {
    return (
      <Stack>
        <ViewHeader title="Rounds" description={DESCRIPTION} actions={<EvolveButton />} />
        <EmptyState title="No rounds yet">
          Each evolution round appears here with its samples, its pass@k buckets (mastered, learnable, unreachable), its training curve and
          its evaluation. Start an evolution job to create the first one.
        </EmptyState>
      </Stack>
    );
  }
  const selected = list.find((r) => r.id === selectedId) ?? list[list.length - 1];
  const index = selected ? list.indexOf(selected) : -1;
  // The round before, within the same run only.
  const previous = index > 0 && list[index - 1]!.runId === selected!.runId ? list[index - 1] : undefined;
  return (
    <Stack>
      <ViewHeader title="Rounds" description={DESCRIPTION} actions={<EvolveButton />} />
      <CurationBanner />
      <Group align="flex-start" wrap="nowrap" gap="lg">
        <RoundTimeline rounds={list} selectedId={selected?.id} onSelect={setSelectedId} />
        {selected && <RoundDetail round={selected} previous={previous} />}
      </Group>
    </Stack>
  );
}
