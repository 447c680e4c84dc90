import { Alert, Anchor, Card, Code, Group, Progress, SimpleGrid, Stack, Text } from '@mantine/core';
import { useNavigate } from 'react-router-dom';
import { useApi } from '../../api/client';
import { EvolveButton } from '../../components/EvolveDialog';
import { FirstRunGuide } from './FirstRunGuide';
import { RunTrendCharts } from '../../components/RunTrendCharts';
import { ViewHeader } from '../../components/ViewHeader';
import { useJobProgress } from '../../ui/useJobProgress';

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
  const navigate = useNavigate();
  const status = useApi('workspace.status', {}, { refreshOn: ['workspace.changed', 'jobs.changed', 'samples.changed'] });
  const headline = useApi('insight.overview', {}, { refreshOn: ['jobs.changed'] });
  const data = headline.data;
  const job = data?.runningJob;
  const jobProgress = useJobProgress(job?.id);
  return (
    <Stack>
      <ViewHeader title="Overview" description="What this workspace holds and how the model is doing." actions={<EvolveButton />} />
      {status.error && (
        <Alert color="red" title="Cannot read the workspace">
          {status.error.message}
        </Alert>
      )}
      {status.data?.counts.rounds === 0 && <FirstRunGuide />}
      {status.data && (
        <Text size="sm" c="dimmed">
          Workspace <Code>{status.data.path}</Code> · schema {status.data.schemaVersion} · Toolsmith {status.data.appVersion}
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Card withBorder>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Current model
          </Text>
          <Text fw={700} fz="lg" data-testid="current-model">
            {data?.currentModel?.name ?? 'none yet'}
          </Text>
          <Text size="xs" c="dimmed">
            {data?.currentModel
              ? `${data.currentModel.kind} · ${data.currentModel.createdAt.slice(0, 10)}`
              : 'Import a model or create the starter model (Models).'}
          </Text>
        </Card>
        <Card withBorder>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Last round
          </Text>
          {data?.lastRound ? (
            <>
              <Text fw={700} fz="lg">
                Round {data.lastRound.seq} · {data.lastRound.state.replace('_', ' ')}
              </Text>
              <Text size="xs" c="dimmed">
                {data.lastRound.generated} generated · {data.lastRound.verified} verified · {data.lastRound.selected} selected
              </Text>
            </>
          ) : (
            <Text size="sm" c="dimmed">
              No evolution round yet.
            </Text>
          )}
        </Card>
        <Card withBorder>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Running job
          </Text>
          {job ? (
            <>
              <Anchor fw={700} onClick={() => navigate('/jobs')}>
                {job.title}
              </Anchor>
              <Progress value={(jobProgress?.fraction ?? 0) * 100} mt={6} animated={job.state === 'running'} aria-label="Job progress" />
              <Text size="xs" c="dimmed" mt={4}>
                {job.state}
                {jobProgress
                  ? ` · ${jobProgress.step}${jobProgress.message ? `: ${jobProgress.message}` : ''}${jobProgress.eta ? ` · ${jobProgress.eta}` : ''}`
                  : ''}
              </Text>
            </>
          ) : (
            <Text size="sm" c="dimmed">
              Nothing running.
            </Text>
          )}
        </Card>
      </SimpleGrid>
      <RunTrendCharts points={data?.trend ?? []} />
      {status.data && (
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
      )}
      {status.data?.counts.rounds === 0 && (
        <Alert variant="light" title="No evolution rounds yet">
          Rounds appear here once an evolution job has run: it generates tool-use samples with the model, verifies them, trains on what the
          model can learn next and evaluates the result.
        </Alert>
      )}
      <Group />
    </Stack>
  );
}
