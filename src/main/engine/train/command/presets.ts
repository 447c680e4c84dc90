import { plannedSteps, type ContractConfig } from '../contract';
import { llamaFactoryFiles } from './llamafactory';

/**
 * Command lines for known external trainers. Placeholders in braces are filled from the contract config
 * (see `fillPlaceholders`). A preset whose tool does not write GGUF names the converter that turns its
 * output into a GGUF LoRA adapter afterwards.
 */
export interface CommandPreset {
  id: string;
  title: string;
  command: string[];
  protocol: 'jsonl' | 'mlx-lm' | 'hf-log';
  outputKind: 'model' | 'adapter';
  /** Where the tool leaves its result when it is not the contract's `output` GGUF. */
  produces?: { format: 'peft' | 'mlx'; dir: string };
  /** Environment the tool needs (the run's `command.env` still wins). */
  env?: Record<string, string>;
  /** Files to write into the work folder before the run (name → content). */
  files?: (config: ContractConfig) => Record<string, string> | Promise<Record<string, string>>;
  notes: string;
}

export const COMMAND_PRESETS: Record<string, CommandPreset> = {
  'toolsmith-native': {
    id: 'toolsmith-native',
    title: "Toolsmith's native trainer (as an external process)",
    command: ['toolsmith', 'train', '--contract', '--config', '{config}'],
    protocol: 'jsonl',
    outputKind: 'model',
    notes: 'The contract reference implementation; what the tests run.',
  },
  unsloth: {
    id: 'unsloth',
    title: 'Unsloth (LoRA, CUDA)',
    // Unsloth has no CLI: python/unsloth_contract.py is a small wrapper that speaks the contract.
    command: ['python', '{python_dir}/unsloth_contract.py', '--config', '{config}'],
    protocol: 'jsonl',
    outputKind: 'adapter',
    produces: { format: 'peft', dir: '{work_dir}/adapter' },
    notes: 'Needs `pip install unsloth` in the Python you point to, and an HF model folder (spec.python.hfModel).',
  },
  'mlx-lm': {
    id: 'mlx-lm',
    title: 'MLX-LM (LoRA, Apple Silicon)',
    command: [
      'mlx_lm.lora',
      '--model',
      '{hf_model}',
      '--train',
      '--data',
      '{chat_dir}',
      '--adapter-path',
      '{work_dir}/adapter',
      '--iters',
      '{max_steps}',
      '--learning-rate',
      '{learning_rate}',
      '--batch-size',
      '{batch_size}',
      '--max-seq-length',
      '{context_length}',
      '--num-layers',
      '-1',
      '--mask-prompt',
      '--seed',
      '{seed}',
    ],
    protocol: 'mlx-lm',
    outputKind: 'adapter',
    produces: { format: 'mlx', dir: '{work_dir}/adapter' },
    notes: "Uses the dataset's chat/ folder (messages + tools, MLX-LM's tools format); --mask-prompt learns only the assistant turns.",
  },
  'llama-factory': {
    id: 'llama-factory',
    title: 'LLaMA-Factory (LoRA)',
    command: ['llamafactory-cli', 'train', '{work_dir}/llamafactory.yaml'],
    protocol: 'hf-log',
    outputKind: 'adapter',
    produces: { format: 'peft', dir: '{work_dir}/adapter' },
    // Unbuffered, so that each step's log line arrives when the step ends (live progress).
    env: { PYTHONUNBUFFERED: '1' },
    files: llamaFactoryFiles,
    notes:
      'Needs `pip install llamafactory` (0.9.5 tested, CPU) and an HF model folder (spec.python.hfModel; python/gguf_to_hf.py makes one from a GGUF). Trains on the rendered texts cut into sharegpt turns at their learn spans (template "empty"), so the loss is on the spans and the text is exactly what the GGUF\'s own template renders.',
  },
};

/** Fills {name} placeholders from the config; an unknown or empty placeholder is an error naming it. */
export function fillPlaceholders(argv: string[], config: ContractConfig, configFile: string, extra: Record<string, string> = {}): string[] {
  const values: Record<string, string | null | undefined> = {
    config: configFile,
    output: config.output,
    work_dir: config.work_dir,
    base_model: config.base_model,
    hf_model: config.hf_model,
    train: config.dataset.train,
    validation: config.dataset.validation,
    chat_dir: config.dataset.chat_train ? config.dataset.chat_train.replace(/[\\/]train\.jsonl$/, '') : null,
    epochs: String(config.hyper.epochs),
    max_steps: String(plannedSteps(config)),
    learning_rate: String(config.hyper.learning_rate),
    context_length: String(config.hyper.context_length),
    batch_size: String(config.hyper.batch_size),
    seed: String(config.hyper.seed),
    lora_rank: String(config.lora?.rank ?? ''),
    lora_alpha: String(config.lora?.alpha ?? ''),
    lora_dropout: String(config.lora?.dropout ?? ''),
    ...extra,
  };
  return argv.map((arg) =>
    arg.replace(/\{([a-z_]+)\}/g, (_, name: string) => {
      if (!(name in values)) throw new Error(`Command placeholder {${name}} is unknown (known: ${Object.keys(values).join(', ')})`);
      const v = values[name];
      if (v === null || v === undefined || v === '') {
        throw new Error(
          `Command placeholder {${name}} has no value for this run` +
            (name === 'hf_model'
              ? ' (set spec.python.hfModel to an HF model folder)'
              : name === 'chat_dir'
                ? ' (examples need their messages for this trainer)'
                : ''),
        );
      }
      return v;
    }),
  );
}
