import { Card, Checkbox, MultiSelect, PasswordInput, SegmentedControl, Select, Stack, Textarea, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import { PLAYGROUND_LIMITS } from '../../../../shared/contract/playground';
import type { ChatSettings } from './playground-request';
import { SamplingFields } from './SamplingFields';

type Choice = { value: string; label: string };

function BackendFields({ value, set, models, model }: FormProps & { models: Choice[]; model: string | null }) {
  if (value.backendKind === 'local')
    return (
      <Select
        label="Model"
        data={models}
        value={model}
        onChange={(modelId) => set({ modelId })}
        allowDeselect={false}
        data-testid="pg-model"
      />
    );
  const remote = (patch: Partial<ChatSettings['remote']>) => set({ remote: { ...value.remote, ...patch } });
  return (
    <>
      <TextInput
        label="Server URL"
        placeholder="http://127.0.0.1:8080/v1"
        value={value.remote.baseUrl}
        onChange={(e) => remote({ baseUrl: e.currentTarget.value })}
      />
      <TextInput label="Model name" value={value.remote.model} onChange={(e) => remote({ model: e.currentTarget.value })} />
      <PasswordInput label="API key" value={value.remote.apiKey} onChange={(e) => remote({ apiKey: e.currentTarget.value })} />
    </>
  );
}

export interface FormProps {
  value: ChatSettings;
  set: (patch: Partial<ChatSettings>) => void;
}

/** The playground's left-hand form: backend, tools, system prompt, grammar and sampling. */
export function SettingsForm({
  value,
  set,
  models,
  model,
  tools,
  footer,
}: FormProps & { models: Choice[]; model: string | null; tools: Choice[]; footer?: ReactNode }) {
  return (
    <Card withBorder>
      <Stack gap="sm">
        <SegmentedControl
          aria-label="Backend"
          value={value.backendKind}
          onChange={(v) => set({ backendKind: v as ChatSettings['backendKind'] })}
          data={[
            { value: 'local', label: 'Local model' },
            { value: 'remote', label: 'Remote server' },
          ]}
        />
        <BackendFields value={value} set={set} models={models} model={model} />
        <MultiSelect
          label="Tools"
          description={`From the workspace's pools, at most ${PLAYGROUND_LIMITS.tools}`}
          placeholder={tools.length ? 'Search tools' : 'No tools in the workspace'}
          data={tools}
          value={value.toolIds}
          onChange={(toolIds) => set({ toolIds })}
          searchable
          clearable
          maxValues={PLAYGROUND_LIMITS.tools}
          limit={50}
          data-testid="pg-tools"
        />
        <Textarea
          label="System prompt"
          placeholder="Default: the invocation instruction the rounds use"
          autosize
          minRows={2}
          maxLength={PLAYGROUND_LIMITS.systemChars}
          value={value.system}
          onChange={(e) => set({ system: e.currentTarget.value })}
        />
        <Checkbox
          label="Constrain to call grammar"
          checked={value.constrain}
          onChange={(e) => set({ constrain: e.currentTarget.checked })}
          data-testid="pg-constrain"
        />
        <SamplingFields value={value} set={set} />
        {footer}
      </Stack>
    </Card>
  );
}
