import { Alert, Card, Code, SimpleGrid, Stack, Text } from '@mantine/core';
import { useApi } from '../api/client';
import { ViewHeader } from '../components/ViewHeader';

const LABELS: Record<string, string> = {
  tools: 'Tools',
  queries: 'Queries',
  samples: 'Samples',
  models: 'Models',
  rounds: 'Rounds',
  jobs: 'Jobs',
  evalSets: 'Evaluation sets',
  traces: 'Refinement traces',
};

export function Overview() {
  const status = useApi('workspace.status', {}, { refreshOn: ['workspace.changed'] });
  return (
    <Stack>
      <ViewHeader title="Overview" description="What this workspace holds and how the model is doing." />
      {status.error && <Alert color="red" title="Cannot read the workspace">{status.error.message}</Alert>}
      {status.data && (
        <>
          <Text size="sm" c="dimmed">
            Workspace <Code>{status.data.path}</Code> · schema {status.data.schemaVersion} · Toolsmith {status.data.appVersion}
          </Text>
          <SimpleGrid cols={{ base: 2, md: 4 }}>
            {Object.entries(status.data.counts).map(([key, value]) => (
              <Card key={key} withBorder padding="md" data-testid={`count-${key}`}>
                <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                  {LABELS[key] ?? key}
                </Text>
                <Text fz={28} fw={700}>
                  {value.toLocaleString()}
                </Text>
              </Card>
            ))}
          </SimpleGrid>
          {status.data.counts.rounds === 0 && (
            <Alert variant="light" title="No evolution rounds yet">
              Rounds appear here once an evolution job has run: it generates tool-use samples with the model, verifies them,
              trains on what the model can learn next and evaluates the result.
            </Alert>
          )}
        </>
      )}
    </Stack>
  );
}
