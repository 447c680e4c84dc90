import { LineChart } from '@mantine/charts';
import { Button, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import type { TrainProgress } from '../../../shared/contract/train';
import { formatBytes, formatDuration } from '../../../shared/format';

export interface TrainingCurveProps {
  /** Progress events as they arrive (the `train.progress` event, or a job step's progress). */
  progress: readonly TrainProgress[];
  running?: boolean;
  /** Shown as a Cancel button while running. */
  onCancel?: () => void;
  /** e.g. "native: last block + output" — what is being trained, as the backend labels it. */
  label?: string;
}

/**
 * A training run's live view: loss (and validation loss) per step, throughput, ETA, memory and cancel.
 * Used by the Rounds/Jobs views; it only renders what it is given.
 */
export function TrainingCurve({ progress, running = false, onCancel, label }: TrainingCurveProps) {
  // One point per step: the last event of a step wins (validation events share their step).
  const byStep = new Map<number, { step: number; loss?: number; valLoss?: number }>();
  for (const p of progress) {
    const point = byStep.get(p.step) ?? { step: p.step };
    if (p.loss !== undefined && p.valLoss === undefined) point.loss = Number(p.loss.toFixed(4));
    if (p.valLoss !== undefined) point.valLoss = Number(p.valLoss.toFixed(4));
    byStep.set(p.step, point);
  }
  const data = [...byStep.values()].sort((a, b) => a.step - b.step);
  const last = progress[progress.length - 1];
  const share = last?.totalSteps ? Math.min(100, (100 * last.step) / last.totalSteps) : 0;
  const hasVal = data.some((d) => d.valLoss !== undefined);

  return (
    <Paper withBorder p="md" radius="md" aria-label="Training progress">
      <Stack gap="sm">
        <Group justify="space-between">
          <Text fw={600}>Training{label ? ` — ${label}` : ''}</Text>
          {running && onCancel ? (
            <Button size="xs" color="red" variant="light" onClick={onCancel} aria-label="Cancel training">
              Cancel
            </Button>
          ) : null}
        </Group>
        <Progress value={share} aria-label="Steps done" animated={running} />
        <Group gap="xl">
          <Text size="sm">
            step {last?.step ?? 0}
            {last?.totalSteps ? ` / ${last.totalSteps}` : ''}
          </Text>
          <Text size="sm">loss {last?.loss?.toFixed(3) ?? '—'}</Text>
          {hasVal ? (
            <Text size="sm">
              val{' '}
              {[...progress]
                .reverse()
                .find((p) => p.valLoss !== undefined)
                ?.valLoss?.toFixed(3)}
            </Text>
          ) : null}
          <Text size="sm">{last?.tokensPerSecond ? `${Math.round(last.tokensPerSecond)} tok/s` : '—'}</Text>
          {last?.elapsedSeconds ? <Text size="sm">{(last.step / last.elapsedSeconds).toFixed(1)} steps/s</Text> : null}
          <Text size="sm">ETA {running ? formatDuration(last?.etaSeconds) : '—'}</Text>
          <Text size="sm">memory {formatBytes(last?.memoryBytes)}</Text>
        </Group>
        {data.length > 1 ? (
          <LineChart
            h={220}
            data={data}
            dataKey="step"
            withDots={false}
            connectNulls
            series={[
              { name: 'loss', color: 'blue.6' },
              ...(hasVal ? [{ name: 'valLoss', label: 'validation loss', color: 'orange.6' }] : []),
            ]}
            xAxisLabel="step"
            yAxisLabel="loss"
          />
        ) : (
          <Text size="sm" c="dimmed">
            {running ? 'Waiting for the first steps…' : 'No training steps recorded.'}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
