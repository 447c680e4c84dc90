import { Alert, Text } from '@mantine/core';
import type { ExportResult } from '../../../../shared/contract/formats';
import { ExportedFiles } from './ExportedFiles';
import { READABLE_TITLE } from './readable-title';

function titleOf(result: ExportResult): string {
  if (result.samples > 0) return `${result.samples.toLocaleString()} samples exported`;
  return result.skippedCount > 0
    ? `Nothing exported: all ${result.skippedCount.toLocaleString()} matching samples were skipped`
    : 'Nothing exported: no sample matches these filters';
}

/** What a samples export wrote, and what it skipped and why. */
export function ExportResultAlert({ result }: { result: ExportResult }) {
  return (
    <Alert
      styles={READABLE_TITLE}
      // Nothing written is not a success: the filters (or the format) left no sample to export.
      color={result.samples === 0 ? 'yellow' : 'teal'}
      title={titleOf(result)}
      data-testid="export-result"
      data-empty={result.samples === 0}
    >
      <ExportedFiles files={result.files} out={result.out} unit="records" />
      {result.skippedCount > 0 && (
        <Text size="xs">
          {result.skippedCount} skipped, e.g. #{result.skipped[0]?.id}: {result.skipped[0]?.reason}
        </Text>
      )}
    </Alert>
  );
}
