import { Button, Modal } from '@mantine/core';
import { useState } from 'react';
import { EvolveFormView } from './evolve/EvolveFormView';
import type { EvolvePreset } from './evolve/evolve-form';

export type { EvolvePreset } from './evolve/evolve-form';

/** Opens the Evolve form; `label` names it where it is the view's main action (Jobs: "New evolution job…"). */
export function EvolveButton({
  preset,
  label = 'Evolve…',
  testId = 'evolve-open',
  size,
}: {
  preset?: EvolvePreset;
  label?: string;
  testId?: string;
  size?: 'xs' | 'sm';
}) {
  const [opened, setOpened] = useState(false);
  return (
    <>
      <Button onClick={() => setOpened(true)} size={size} data-testid={testId}>
        {label}
      </Button>
      <Modal
        opened={opened}
        onClose={() => setOpened(false)}
        title="Start a self-evolution run"
        size="lg"
        closeButtonProps={{ 'aria-label': 'Close' }}
      >
        {opened && <EvolveFormView onDone={() => setOpened(false)} preset={preset ?? {}} />}
      </Modal>
    </>
  );
}
