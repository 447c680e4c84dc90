import type { z } from 'zod';
import type { EventMap, InputOf, MethodMap, OutputOf } from './define';
import { workspaceEvents, workspaceMethods } from './workspace';
import { toolsEvents, toolsMethods } from './tools';
import { evalEvents, evalMethods } from './eval';
import { curationEvents, curationMethods } from './curation';
import { insightMethods } from './insight';
import { jobsEvents, jobsMethods } from './jobs';
import { evolutionEvents, evolutionMethods } from './evolution';
import { modelsEvents, modelsMethods } from './models';
import { modelCatalogMethods, modelDownloadEvents, modelDownloadMethods } from './models';
import { modelEvalEvents, modelEvalMethods } from './models';
import { formatsEvents, formatsMethods } from './formats';
import { trainEvents, trainMethods } from './train';
import { templatesMethods } from './templates';
import { poolMethods } from './pool';
import { playgroundEvents, playgroundMethods } from './playground';
import { demoEvents, demoMethods } from './demo';
import { servingEvents, servingMethods } from './serving';

/**
 * The whole contract: every API method and event. Each domain declares its slice in its own file
 * (`./tools`, `./models`, `./jobs`, …) and is composed here; nothing else.
 */
export const contract = {
  ...workspaceMethods,
  ...toolsMethods,
  ...evalMethods,
  ...curationMethods,
  ...insightMethods,
  ...jobsMethods,
  ...evolutionMethods,
  ...modelsMethods,
  ...modelDownloadMethods,
  ...modelCatalogMethods,
  ...modelEvalMethods,
  ...formatsMethods,
  ...trainMethods,
  ...templatesMethods,
  ...poolMethods,
  ...playgroundMethods,
  ...demoMethods,
  ...servingMethods,
} satisfies MethodMap;

export const events = {
  ...workspaceEvents,
  ...toolsEvents,
  ...evalEvents,
  ...curationEvents,
  ...jobsEvents,
  ...evolutionEvents,
  ...modelsEvents,
  ...modelDownloadEvents,
  ...modelEvalEvents,
  ...formatsEvents,
  ...trainEvents,
  ...playgroundEvents,
  ...demoEvents,
  ...servingEvents,
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
