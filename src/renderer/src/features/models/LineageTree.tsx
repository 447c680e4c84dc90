import { Badge, Group, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Model } from '../../../../shared/contract/models';
import { roundName } from '../../../../shared/contract/round-counts';

const KIND_COLOR: Record<string, string> = { base: 'gray', finetune: 'teal', adapter: 'grape', starter: 'blue' };

/** The whole workspace's lineage as a tree: roots are models without a (registered) parent. */
export function LineageTree({ models, selected, onSelect }: { models: Model[]; selected: number | null; onSelect: (id: number) => void }) {
  const ids = new Set(models.map((m) => m.id));
  const children = new Map<number | null, Model[]>();
  for (const m of models) {
    const parent = m.parentId !== null && ids.has(m.parentId) ? m.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), m]);
  }
  const render = (parent: number | null, depth: number, seen: Set<number>): ReactNode[] =>
    (children.get(parent) ?? [])
      .filter((m) => !seen.has(m.id))
      .flatMap((m) => [
        <Group
          key={m.id}
          gap={6}
          pl={depth * 20}
          wrap="nowrap"
          data-testid={`lineage-node-${m.name}`}
          data-depth={depth}
          style={{ cursor: 'pointer' }}
          onClick={() => onSelect(m.id)}
        >
          <Text c="dimmed" fz="sm">
            {depth > 0 ? '└─' : '•'}
          </Text>
          <Text fz="sm" fw={m.id === selected ? 700 : 400}>
            {m.name}
          </Text>
          <Badge size="xs" variant="light" color={KIND_COLOR[m.kind] ?? 'gray'}>
            {m.kind}
          </Badge>
          {m.round && (
            <Text fz="xs" c="dimmed">
              {roundName(m.round)}
            </Text>
          )}
          {m.trainer && (
            <Text fz="xs" c="dimmed">
              {m.trainer}
            </Text>
          )}
        </Group>,
        ...render(m.id, depth + 1, new Set([...seen, m.id])),
      ]);
  return <Stack gap={4}>{render(null, 0, new Set())}</Stack>;
}
