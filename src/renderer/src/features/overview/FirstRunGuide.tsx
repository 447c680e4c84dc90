import { Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { useApi, useClient } from '../../api/client';
import { EvolveButton, type EvolvePreset } from '../../components/EvolveDialog';
import { useAction } from '../../ui/useAction';

/**
 * Budgets of a first run that finishes on a laptop's CPU in minutes: one round, few samples, ten items per
 * held-out set, no refinement decoding (each refinement is another generation per item). Every other
 * setting keeps method.md's default; the form shows the numbers before anything starts.
 */
export const FIRST_RUN: Omit<EvolvePreset, 'modelId'> = {
  rounds: 1,
  k: 4,
  importsPerRound: 8,
  generatedPerRound: 4,
  evalLimit: 10,
  extra: { earlyStop: false, passK: 2, maxTokens: 128, evalRefinement: 'off', constrainedEvalItems: 5, train: { maxSteps: 8 } },
};

const BUNDLED_STARTER = 'toolsmith-starter-trained';

function Step({ n, title, done, children, testId }: { n: number; title: string; done: boolean; children: ReactNode; testId: string }) {
  return (
    <Card withBorder padding="sm" data-testid={testId} data-state={done ? 'done' : 'todo'}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4}>
          <Text fw={600}>
            {n}. {title}
          </Text>
          {children}
        </Stack>
        <Badge color={done ? 'teal.9' : 'gray.7'} variant="filled" style={{ flexShrink: 0 }}>
          {done ? 'done' : 'to do'}
        </Badge>
      </Group>
    </Card>
  );
}

/** The Overview of a workspace with no rounds yet: three steps to a first run, each with its state from the API. */
export function FirstRunGuide() {
  const client = useClient();
  const navigate = useNavigate();
  const models = useApi('models.list', {}, { refreshOn: ['models.changed'] });
  const trainer = useApi('trainer.status', {}, { refreshOn: ['jobs.changed'] });
  const pool = useApi('pool.status', {}, { refreshOn: ['tools.changed', 'eval.changed'] });
  const addStarter = useAction(() => client.call('models.addBundledStarter', {}), {
    success: ({ model }) => `Model ${model.name} is ready.`,
    errorTitle: 'Could not add the starter model',
  });
  const setUpTrainer = useAction(() => client.call('jobs.start', { kind: 'trainer.setup', settings: {} }), {
    success: 'Setting up the python trainer: follow it in Jobs.',
    errorTitle: 'Could not start the set-up',
  });
  const usable = (models.data?.items ?? []).filter((m) => m.kind !== 'adapter');
  const preferred = usable.find((m) => m.name === BUNDLED_STARTER) ?? usable[0];
  const poolReady = pool.data ? pool.data.tools > 0 && pool.data.evalSets.every((s) => s.present) : false;

  return (
    <Stack gap="xs" data-testid="first-run-guide" role="region" aria-labelledby="first-run-title">
      <Title order={3} id="first-run-title">
        Start here: a first run
      </Title>
      <Text size="sm" c="dimmed" data-testid="guide-pool">
        {pool.data
          ? poolReady
            ? `This workspace holds the built-in tool pool (${pool.data.tools} tools) and the held-out sets ${pool.data.evalSets.map((s) => `${s.name} (${s.items} items)`).join(' and ')}.`
            : 'The built-in tool pool or a held-out set is missing: install it in Tool pool.'
          : '…'}
      </Text>
      <Step n={1} title="A model" done={usable.length > 0} testId="guide-step-model">
        <Text size="sm">
          {preferred
            ? `${usable.length} model(s) registered; the first run uses ${preferred.name}.`
            : 'Pick one in Models (download one from the catalog or import a GGUF file), or add the small starter model bundled with Toolsmith, already taught the call format.'}
        </Text>
        <Group gap="xs">
          <Button
            size="xs"
            onClick={() => void addStarter.run()}
            loading={addStarter.busy}
            variant={usable.length ? 'default' : 'filled'}
            data-testid="guide-add-starter"
          >
            Add the bundled starter
          </Button>
          <Button size="xs" variant="default" onClick={() => navigate('/models')}>
            Catalog or GGUF file (Models)
          </Button>
        </Group>
      </Step>
      <Step n={2} title="The trainer" done={trainer.data?.ready ?? false} testId="guide-step-trainer">
        <Text size="sm">
          {trainer.data
            ? trainer.data.ready
              ? `The python trainer is set up (${trainer.data.device ?? 'device unknown'}): LoRA on real models.`
              : `The python trainer is not set up${trainer.data.problem ? ` (${trainer.data.problem})` : ''}. The native trainer needs nothing and is what the first run uses; set up the python one to train real models with LoRA.`
            : 'Checking the trainer…'}
        </Text>
        {trainer.data && !trainer.data.ready && (
          <Group gap="xs">
            <Button size="xs" variant="default" onClick={() => void setUpTrainer.run()} data-testid="guide-setup-trainer">
              Set up the python trainer
            </Button>
          </Group>
        )}
      </Step>
      <Step n={3} title="Evolve" done={false} testId="guide-step-evolve">
        <Text size="sm">
          One round with small budgets (k {FIRST_RUN.k}, {FIRST_RUN.generatedPerRound} new queries, {FIRST_RUN.evalLimit} items per held-out
          set) that finishes on this machine; the form shows every number before it starts.
        </Text>
        <Group gap="xs">
          {preferred ? (
            <EvolveButton preset={{ ...FIRST_RUN, modelId: preferred.id }} label="Evolve (first run)…" testId="guide-evolve" />
          ) : (
            <Button size="xs" disabled data-testid="guide-evolve">
              Evolve (first run)… needs a model
            </Button>
          )}
        </Group>
      </Step>
    </Stack>
  );
}
