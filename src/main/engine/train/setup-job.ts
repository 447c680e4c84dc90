import { z } from 'zod';
import { defineJobKind } from '../jobs/registry';

/**
 * Provisioning the python trainer's environment as a job: it can take minutes (torch is large), so it
 * shows progress and its pip log in the Jobs view and can be cancelled like any other job.
 */
export const trainerSetupJob = defineJobKind({
  kind: 'trainer.setup',
  title: () => 'Set up the python trainer',
  resource: 'light',
  settings: z.object({
    force: z.boolean().default(false),
    /** Where the venv goes (default: the managed one in the cache folder). */
    venv: z.string().min(1).optional(),
    /** The interpreter that creates it (default python3). */
    python: z.string().min(1).optional(),
  }),
  steps: () => [
    {
      name: 'install',
      async run(ctx) {
        // Loaded here, not at the top: kind modules stay cheap to import.
        const { setupTrainerEnv } = await import('./python/env');
        let lines = 0;
        ctx.progress(0, null, 'creating the environment');
        const status = await setupTrainerEnv({
          force: ctx.settings.force,
          venvDir: ctx.settings.venv,
          python: ctx.settings.python,
          signal: ctx.signal,
          onLog: (line) => {
            lines++;
            ctx.log('info', line);
            ctx.progress(lines, null, line.slice(0, 120));
          },
        });
        return { venv: status.venv, device: status.device, ready: status.ready };
      },
    },
  ],
});
