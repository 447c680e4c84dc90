import { Alert, Progress, Stack, Text } from '@mantine/core';
import type { ImportProgress, ImportResult } from '../../../../shared/contract/formats';
import { ImportProblemList } from './ImportProblemList';
import { READABLE_TITLE } from './readable-title';

/** How far a running import has read. */
export function ImportProgressBar({ progress }: { progress: ImportProgress }) {
  return (
    <Stack gap={4}>
      <Progress
        value={progress.totalBytes ? (100 * progress.bytesRead) / progress.totalBytes : 0}
        animated
        aria-label="Import progress"
        data-testid="import-progress"
      />
      <Text size="xs" c="dimmed">
        {progress.phase}: {progress.records.toLocaleString()} records, {progress.problems.toLocaleString()} problems
      </Text>
    </Stack>
  );
}

/** What an import stored, found already there, and could not read. */
export function ImportResultAlert({ result }: { result: ImportResult }) {
  return (
    <Alert
      styles={READABLE_TITLE}
      color={result.state === 'done' ? 'teal' : 'orange'}
      title={`Import ${result.state}`}
      data-testid="import-result"
    >
      {result.stored.toLocaleString()} stored, {result.duplicates.toLocaleString()} already there, {result.problemCount.toLocaleString()}{' '}
      problems
      <ImportProblemList problems={result.problems} total={result.problemCount} />
    </Alert>
  );
}
