import { Badge, Group, Stack, Text } from '@mantine/core';

export interface VerdictView {
  verifier: string;
  passed: boolean;
  reason: string;
  /** The sample version judged, where there are versions. */
  version?: number;
}

/**
 * Verifier verdicts as rows a person reads: the verifier, a pass/fail badge that is never cut short, and the
 * reason wrapping under them (a long reason or an unbroken token must not widen the pane).
 */
export function VerdictList({ verdicts, testId }: { verdicts: readonly VerdictView[]; testId?: string }) {
  return (
    <Stack gap={6} data-testid={testId} role="table" aria-label="Verdicts">
      {verdicts.map((v, i) => (
        <Group key={i} gap="xs" wrap="nowrap" align="flex-start" role="row">
          <Badge
            color={v.passed ? 'teal.9' : 'red.9'}
            variant="filled"
            miw={52}
            style={{ flexShrink: 0, overflow: 'visible' }}
            role="cell"
            data-testid="verdict-badge"
          >
            {v.passed ? 'pass' : 'fail'}
          </Badge>
          <Text size="sm" fw={600} style={{ flexShrink: 0 }} role="cell">
            {v.verifier}
            {v.version !== undefined && (
              <Text span size="xs" c="dimmed" fw={400}>
                {' '}
                v{v.version}
              </Text>
            )}
          </Text>
          <Text size="sm" style={{ minWidth: 0, overflowWrap: 'anywhere' }} role="cell">
            {v.reason}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}

/** Verdicts stored as JSON (a refinement step's): the readable ones, or null when the value holds none. */
export function readVerdicts(value: unknown): VerdictView[] | null {
  if (!Array.isArray(value)) return null;
  const out: VerdictView[] = [];
  for (const v of value) {
    if (!v || typeof v !== 'object') continue;
    const r = v as Record<string, unknown>;
    if (typeof r.verifier !== 'string' || typeof r.passed !== 'boolean') continue;
    out.push({ verifier: r.verifier, passed: r.passed, reason: typeof r.reason === 'string' ? r.reason : '' });
  }
  return out;
}
