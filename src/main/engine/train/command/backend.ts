import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrainSpec } from '../../../../shared/contract/train';
import { runContractBackend, type BackendOutcome, type RunHooks } from '../backend';
import { plannedSteps } from '../contract';
import { convertAdapterDirToGguf } from '../lora/convert';
import { COMMAND_PRESETS, fillPlaceholders } from './presets';

const pythonDir = () => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../python');

/**
 * The command backend: any trainer started as a process, given the contract's config and datasets, read
 * through the strict JSON-lines protocol (or a preset's own log format). Tools that write PEFT or MLX
 * adapters instead of GGUF get their adapter converted to a GGUF LoRA adapter afterwards.
 */
export function runCommandBackend(spec: TrainSpec, hooks: RunHooks): Promise<BackendOutcome> {
  const preset = spec.command.preset !== 'custom' ? COMMAND_PRESETS[spec.command.preset] : undefined;
  if (spec.command.preset !== 'custom' && !preset) {
    throw new Error(
      `spec.command.preset: unknown preset "${spec.command.preset}" (known: custom, ${Object.keys(COMMAND_PRESETS).join(', ')})`,
    );
  }
  const argv = spec.command.command ?? preset!.command;
  const protocol = spec.command.command ? spec.command.protocol : preset!.protocol;
  const outputKind = preset && !spec.command.command ? preset.outputKind : spec.command.outputKind;
  const label = `command trainer (${preset?.id ?? argv[0]})`;
  return runContractBackend(
    spec,
    hooks,
    outputKind,
    async (configFile, config) => {
      for (const [name, content] of Object.entries((await preset?.files?.(config)) ?? {})) {
        await fs.writeFile(path.join(config.work_dir, name), content);
      }
      const [command, ...args] = fillPlaceholders(argv, config, configFile, { python_dir: pythonDir() });
      return {
        label,
        command: command!,
        args,
        cwd: spec.command.cwd ?? config.work_dir,
        env: { ...process.env, ...(spec.command.command ? {} : preset?.env), ...spec.command.env },
        protocol,
        // A preset fixes the step count on its command line; a foreign log may not say it.
        ...(preset && !spec.command.command ? { totalSteps: plannedSteps(config) } : {}),
      };
    },
    preset?.produces && !spec.command.command
      ? async (_done, config) => {
          const dir = preset.produces!.dir.replace('{work_dir}', config.work_dir);
          await convertAdapterDirToGguf(dir, preset.produces!.format, config.base_model, config.output);
          return config.output;
        }
      : undefined,
  );
}
