import { Progress, Text } from '@mantine/core';
import type { ModelDownloadEvent } from '../../../../shared/contract/models';
import { formatBytes, formatEta } from '../../../../shared/format';

/** One running download's bar: pip's fetch has no byte counts (an indeterminate bar), then bytes + ETA. */
export function DownloadBar({ d }: { d: ModelDownloadEvent }) {
  if (d.phase === 'fetching')
    return (
      <>
        <Progress value={100} striped animated aria-label={`Fetching ${d.fileName || d.ref}`} />
        <Text fz="xs" c="dimmed">
          fetching the wheel with pip…
        </Text>
      </>
    );
  return (
    <>
      <Progress value={d.totalBytes ? (100 * d.downloadedBytes) / d.totalBytes : 0} animated aria-label={`Downloading ${d.fileName}`} />
      <Text fz="xs" c="dimmed">
        {d.phase === 'extracting' ? 'extracting · ' : ''}
        {formatBytes(d.downloadedBytes)} of {formatBytes(d.totalBytes)} · {formatBytes(d.bytesPerSecond)}/s {formatEta(d.etaSeconds)}
      </Text>
    </>
  );
}
