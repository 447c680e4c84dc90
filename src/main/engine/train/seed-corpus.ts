import { printCalls } from '../tools/call-print';
import type { CallValue } from '../tools/types';
import type { ChatMessage, ToolSpec } from '../inference/backend';

/**
 * A small generated corpus of tool definitions and calls, used to pretrain the starter model (and in
 * tests) until the science issue's seed corpus lands: each conversation offers one or two tools and the
 * assistant answers with one well-formed call in Toolsmith's call syntax.
 */
export interface SeedConversation {
  tools: ToolSpec[];
  messages: ChatMessage[];
  /** The assistant's target text (the call). */
  target: string;
}

interface ToolKind {
  tool: ToolSpec;
  make: (pick: <T>(xs: readonly T[]) => T) => { query: string; args: Record<string, CallValue> };
}

const CITIES = ['Paris', 'Tokyo', 'Lima', 'Oslo', 'Cairo', 'Berlin', 'Austin', 'Seoul'] as const;
const ZONES = ['UTC', 'CET', 'JST', 'PST'] as const;
const TOPICS = ['cats', 'rust', 'tea', 'jazz', 'maps', 'bees'] as const;

const KINDS: ToolKind[] = [
  {
    tool: {
      name: 'get_weather',
      description: 'City weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
    make: (pick) => {
      const city = pick(CITIES);
      return { query: `Weather in ${city}?`, args: { city } };
    },
  },
  {
    tool: {
      name: 'add',
      description: 'Add two numbers',
      parameters: { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'integer' } }, required: ['a', 'b'] },
    },
    make: (pick) => {
      const a = pick([2, 3, 5, 7, 11, 40]);
      const b = pick([1, 4, 6, 9, 12, 30]);
      return { query: `Add ${a} and ${b}.`, args: { a, b } };
    },
  },
  {
    tool: {
      name: 'get_time',
      description: 'Time in a zone',
      parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
    },
    make: (pick) => {
      const zone = pick(ZONES);
      return { query: `What time is it in ${zone}?`, args: { zone } };
    },
  },
  {
    tool: {
      name: 'search',
      description: 'Search the web',
      parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
    },
    make: (pick) => {
      const topic = pick(TOPICS);
      return { query: `Find pages about ${topic}.`, args: { query: topic } };
    },
  },
];

/** `count` conversations, deterministic for a seed. */
export function seedConversations(count: number, seed = 7, toolsPerConversation: 1 | 2 = 2): SeedConversation[] {
  let s = seed >>> 0 || 1;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const out: SeedConversation[] = [];
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % KINDS.length]!;
    const other = KINDS[(i + 1 + Math.floor(rand() * (KINDS.length - 1))) % KINDS.length]!;
    const { query, args } = kind.make(pick);
    const tools = toolsPerConversation === 1 ? [kind.tool] : rand() < 0.5 ? [kind.tool, other.tool] : [other.tool, kind.tool];
    const target = printCalls([{ name: kind.tool.name, args }]);
    out.push({
      tools,
      messages: [
        { role: 'user', content: query },
        { role: 'assistant', content: target },
      ],
      target,
    });
  }
  return out;
}
