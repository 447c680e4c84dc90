import { Badge, Group, Stack, Text } from '@mantine/core';

interface ToolLike {
  name?: string;
  description?: string;
  parameters?: { properties?: Record<string, { type?: string | string[]; description?: string; enum?: unknown[] }>; required?: string[] };
}

/** Tools shown readably: name, description, and each parameter with its type and whether it is required. */
export function ToolList({ tools }: { tools: unknown }) {
  if (!Array.isArray(tools) || tools.length === 0) return <Text c="dimmed">No tools.</Text>;
  return (
    <Stack gap="xs">
      {(tools as ToolLike[]).map((tool, i) => {
        const props = tool.parameters?.properties ?? {};
        const required = new Set(tool.parameters?.required ?? []);
        return (
          <div key={`${tool.name}-${i}`}>
            <Text fw={600} ff="monospace" size="sm">
              {tool.name}
            </Text>
            {tool.description && (
              <Text size="xs" c="dimmed">
                {tool.description}
              </Text>
            )}
            <Group gap={4} mt={2}>
              {Object.entries(props).map(([name, schema]) => (
                <Badge key={name} variant={required.has(name) ? 'filled' : 'outline'} size="sm" tt="none" title={schema.description}>
                  {name}: {Array.isArray(schema.type) ? schema.type.join('|') : (schema.type ?? 'any')}
                  {schema.enum ? ` ∈ {${schema.enum.map(String).join(', ')}}` : ''}
                </Badge>
              ))}
            </Group>
          </div>
        );
      })}
    </Stack>
  );
}
