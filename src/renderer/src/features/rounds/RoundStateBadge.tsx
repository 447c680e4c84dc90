import { Badge } from '@mantine/core';

/** The timeline's bullet colour of each round state. */
export const STATE_COLOR: Record<string, string> = {
  accepted: 'teal',
  rolled_back: 'orange',
  failed: 'red',
  running: 'blue',
  cancelled: 'gray',
};
// Filled, dark shades: white text keeps a 4.5:1 contrast.
const BADGE_COLOR: Record<string, string> = {
  accepted: 'teal.9',
  rolled_back: 'grape.9',
  failed: 'red.9',
  running: 'blue.9',
  cancelled: 'gray.7',
};

export function RoundStateBadge({ state, size }: { state: string; size?: 'xs' | 'sm' }) {
  return (
    <Badge size={size} color={BADGE_COLOR[state] ?? 'gray.7'} variant="filled">
      {state === 'rolled_back' ? 'rolled back' : state}
    </Badge>
  );
}
