import { Badge, Card, Group, Progress, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { EvalRunSummary } from '../../../../shared/contract/eval';
import { accuracyWithCount, formatPercent } from '../../../../shared/format';
import { DataTable } from '../../ui/DataTable';
import { FailingItems } from './FailingItems';

type Category = NonNullable<EvalRunSummary['summary']>['categories'][number];

function ErrorBadges({ errorTypes }: { errorTypes: Category['errorTypes'] }) {
  return (
    <Group gap={4}>
      {Object.entries(errorTypes)
        .sort((a, b) => b[1] - a[1])
        .map(([type, n]) => (
          <Badge key={type} size="xs" color="red" variant="light" tt="none">
            {type} ×{n}
          </Badge>
        ))}
    </Group>
  );
}

/** One run of a set: accuracy per category; a category opens its failing items. */
export function RunCard({ run }: { run: EvalRunSummary }) {
  const [category, setCategory] = useState<string | null>(null);
  const summary = run.summary;
  if (!summary) return null;
  return (
    <Card withBorder data-testid="run-card">
      <Group justify="space-between" mb="xs">
        <Title order={4}>
          Run {run.id} {run.label && `· ${run.label}`}
        </Title>
        <Text size="sm">
          {summary.correct}/{summary.total} correct · <b>{formatPercent(summary.accuracy)}</b>
        </Text>
      </Group>
      <DataTable
        highlightOnHover
        data-testid="run-categories"
        rows={summary.categories}
        rowKey={(c) => c.category}
        onRowClick={(c) => setCategory(c.category)}
        isSelected={(c) => c.category === category}
        rowProps={(c) => ({ 'data-testid': `run-category-${c.category}` })}
        columns={[
          { key: 'category', header: 'Category', td: { ff: 'monospace' }, cell: (c) => c.category },
          { key: 'items', header: 'Items', cell: (c) => c.total },
          { key: 'correct', header: 'Correct', cell: (c) => c.correct },
          {
            key: 'accuracy',
            header: 'Accuracy',
            th: { w: '25%' },
            cell: (c) => (
              <Group gap="xs" wrap="nowrap">
                <Progress value={c.accuracy * 100} w={80} aria-label={`${c.category} accuracy`} />
                <Text size="sm">{accuracyWithCount(c.correct, c.total)}</Text>
              </Group>
            ),
          },
          { key: 'errors', header: 'Errors', cell: (c) => <ErrorBadges errorTypes={c.errorTypes} /> },
        ]}
      />
      {category ? (
        <FailingItems runId={run.id} category={category} />
      ) : (
        <Text size="xs" c="dimmed">
          Open a category to see its failing items.
        </Text>
      )}
    </Card>
  );
}
