import type { z } from 'zod';
import type { EventMap, InputOf, MethodMap, OutputOf } from './define';
import { workspaceEvents, workspaceMethods } from './workspace';

/**
 * The whole contract: every API method and event. Each domain declares its slice in its own file
 */
export const contract = {
  ...workspaceMethods,
} satisfies MethodMap;

export const events = {
  ...workspaceEvents,
} satisfies EventMap;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type Events = typeof events;
export type EventName = keyof Events;
export type Input<M extends MethodName> = InputOf<Contract[M]>;
export type Output<M extends MethodName> = OutputOf<Contract[M]>;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

export * from './define';
export * from './errors';
