import { Badge, Button, Card, Code, Group, Text } from '@mantine/core';
import { useNavigate } from 'react-router-dom';
import { useApi, useClient } from '../../api/client';
import { useAction } from '../../ui/useAction';

/** The python trainer's environment and its set-up job. */
export function TrainerCard() {
  const client = useClient();
  const navigate = useNavigate();
  const trainer = useApi('trainer.status', {}, { refreshOn: ['jobs.changed'] });
  const setUp = useAction(
    async () => {
      await client.call('jobs.start', { kind: 'trainer.setup', settings: {} });
      navigate('/jobs');
    },
    { success: 'Setting up the python trainer: follow it in Jobs.', errorTitle: 'Could not start the set-up' },
  );
  return (
    <Card withBorder data-testid="trainer-card">
      <Group justify="space-between" mb="xs">
        <Text fw={600}>Python trainer (LoRA)</Text>
        {trainer.data && (
          <Badge color={trainer.data.ready ? 'teal.9' : 'gray.7'} variant="filled">
            {trainer.data.ready ? `ready · ${trainer.data.device ?? 'device unknown'}` : 'not set up'}
          </Badge>
        )}
      </Group>
      <Text size="sm">
        Environment: <Code>{trainer.data?.venv ?? '…'}</Code>
      </Text>
      <Text size="sm">
        Python: <Code>{trainer.data?.python ?? 'not found'}</Code>
      </Text>
      {trainer.data?.problem && (
        <Text size="sm" c="red.9">
          {trainer.data.problem}
        </Text>
      )}
      <Text size="sm" c="dimmed" mt="xs">
        The python trainer is the one that teaches real models (LoRA with loss on the assistant&apos;s tokens). Set-up creates a virtual
        environment with pinned torch, transformers and peft (several GB the first time) and checks for CUDA, Apple MPS or CPU. The same as{' '}
        <Code>toolsmith trainer setup</Code>.
      </Text>
      <Button mt="sm" onClick={() => void setUp.run()} variant={trainer.data?.ready ? 'default' : 'filled'}>
        {trainer.data?.ready ? 'Check again' : 'Set up the trainer'}
      </Button>
    </Card>
  );
}
