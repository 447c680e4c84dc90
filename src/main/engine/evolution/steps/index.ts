/** The steps of a self-evolution run, one module each (job.ts loads them when a step runs). */
export { baselineStep } from './baseline';
export { queriesStep } from './queries';
export { toolMakingStep } from './tool-making';
export { toolUsingStep } from './tool-using';
export { verifyStep } from './verify';
export { curationStep } from './curation';
export { selectStep } from './select';
export { mixStep, mixFile } from './mix';
export { trainStep } from './train';
export { evaluateStep, evaluateRound } from './evaluate';
export { decideStep } from './decide';
export type { Ctx, Workspace } from './shared';
