import { Card, Stack, Text, Timeline } from '@mantine/core';
import type { RoundSummary } from '../../../../shared/contract/insight';
import { RoundStateBadge, STATE_COLOR } from './RoundStateBadge';

/** One timeline per run, under the run's name: rounds of different runs never mix. */
export function RoundTimeline({
  rounds,
  selectedId,
  onSelect,
}: {
  rounds: RoundSummary[];
  selectedId?: number;
  onSelect: (id: number) => void;
}) {
  const lastRun = rounds[rounds.length - 1]?.runId;
  return (
    <Card withBorder w={280} style={{ flexShrink: 0 }} data-testid="round-timeline">
      <Stack gap="md">
        {[...new Set(rounds.map((r) => r.runId))].map((runId) => {
          const mine = rounds.filter((r) => r.runId === runId);
          return (
            <div key={runId} data-testid={`run-timeline-${runId}`}>
              <Text size="sm" fw={700} mb={6}>
                Run {runId}
              </Text>
              <Timeline active={mine.length} bulletSize={22} lineWidth={2}>
                {mine.map((round) => (
                  <Timeline.Item
                    key={round.id}
                    color={STATE_COLOR[round.state] ?? 'gray'}
                    bullet={<Text size="xs">{round.seq}</Text>}
                    title={
                      <Text
                        component="button"
                        type="button"
                        fw={round.id === selectedId ? 700 : 500}
                        style={{ cursor: 'pointer', background: 'none', border: 0, padding: 0, color: 'inherit' }}
                        onClick={() => onSelect(round.id)}
                        data-testid={runId === lastRun ? `round-${round.seq}` : `round-${runId}-${round.seq}`}
                      >
                        Round {round.seq}
                      </Text>
                    }
                  >
                    <RoundStateBadge state={round.state} size="xs" />
                    <Text size="xs" c="dimmed">
                      {round.counts.generated} generated · {round.counts.selected} selected
                    </Text>
                  </Timeline.Item>
                ))}
              </Timeline>
            </div>
          );
        })}
      </Stack>
    </Card>
  );
}
