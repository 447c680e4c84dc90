export { Sandbox, sharedSandbox, runInSandbox, closeSharedSandbox, type SandboxOptions } from './sandbox';
export { DEFAULT_SANDBOX_LIMITS, type SandboxLimits, type SandboxResult, type SandboxFailure } from './types';
