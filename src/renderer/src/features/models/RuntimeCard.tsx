import { Card, Group, Text } from '@mantine/core';
import type { Output } from '../../../../shared/contract';

/** The device models run on and the model loaded now. */
export function RuntimeCard({ runtime }: { runtime: Output<'models.runtime'> | undefined }) {
  const device = runtime?.device;
  return (
    <Card withBorder data-testid="runtime-card">
      <Group justify="space-between">
        <Text fz="sm">
          Device:{' '}
          <b data-testid="runtime-device">{device ? (device.gpu ? `${device.gpu} (${device.gpuDevices.join(', ')})` : 'CPU') : '…'}</b>
          {device?.fallbackReason && <Text span c="dimmed">{` — ${device.fallbackReason}`}</Text>}
        </Text>
        <Text fz="sm">
          Loaded: <b data-testid="runtime-loaded">{runtime?.loaded ? runtime.loaded.name : 'none'}</b>
        </Text>
      </Group>
    </Card>
  );
}
