import fs from 'node:fs/promises';
import path from 'node:path';
import { getLlama, LlamaLogLevel } from 'node-llama-cpp';
import type { TrainExample, TrainSpec } from '../../../../shared/contract/train';
import { tokenizeExample } from '../../inference/chat-render';
import { runContractBackend, type BackendOutcome, type RunHooks } from '../backend';
import { splitExamples } from '../contract';
import { writeGgufWithTensors } from '../../lib/gguf/replace-tensors';
import { convertAdapterDirToGguf } from '../lora/convert';
import { readSafetensors } from '../lora/safetensors';
import { trainerEnvStatus, trainerScript, venvPython } from './env';
import { machineThreads } from '../../lib/threads';

/** Thrown when the managed environment is missing: the message says the command that fixes it. */
export class TrainerEnvMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainerEnvMissingError';
  }
}

/**
 * Tokenizes examples with the base model's own tokenizer (llama.cpp's, vocabulary only), span by span,
 * so that the sidecar gets exactly the tokens the GGUF model will see and a learn mask per token.
 */
export async function tokenizeForTraining(baseModel: string, examples: TrainExample[]): Promise<{ ids: number[]; mask: boolean[] }[]> {
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false, skipDownload: true });
  const model = await llama.loadModel({ modelPath: baseModel, vocabOnly: true } as Parameters<typeof llama.loadModel>[0]);
  try {
    // BOS only where the vocabulary asks for it, as inference renders prompts (qwen2 has a BOS id but adds none).
    const bos = model.tokens.shouldPrependBosToken ? (model.tokens.bos ?? undefined) : undefined;
    return examples.map((e) => {
      const t = tokenizeExample({ text: e.text, spans: e.spans, templateHash: '' }, (s) => model.tokenize(s, true), bos);
      return { ids: t.tokens, mask: t.learn };
    });
  } finally {
    await model.dispose();
  }
}

/**
 * The python backend, in the managed venv: LoRA, then the adapter written as a GGUF LoRA adapter; or full
 * fine-tuning, then the trained weights swapped into a copy of the base GGUF.
 */
export async function runPythonBackend(spec: TrainSpec, hooks: RunHooks): Promise<BackendOutcome> {
  const env = trainerEnvStatus({ venvDir: spec.python.venv });
  if (!env.ready) throw new TrainerEnvMissingError(`python trainer: ${env.problem}`);
  const { train, validation } = splitExamples(spec.examples, spec.validationShare, spec.hyper.seed);
  const trainTokens = await tokenizeForTraining(spec.baseModel, train);
  const valTokens = validation.length ? await tokenizeForTraining(spec.baseModel, validation) : [];
  const full = spec.python.method === 'full';
  return runContractBackend(
    spec,
    hooks,
    full ? 'model' : 'adapter',
    async (configFile, config) => {
      const write = async (name: string, rows: { ids: number[]; mask: boolean[] }[]) => {
        const file = path.join(config.work_dir, name);
        await fs.writeFile(file, rows.map((r) => JSON.stringify({ ids: r.ids, mask: r.mask.map((m) => (m ? 1 : 0)) })).join('\n') + '\n');
        return file;
      };
      const args = [trainerScript(), '--config', configFile, '--tokens', await write('tokens-train.jsonl', trainTokens), '--device', spec.python.device];
      if (valTokens.length) args.push('--tokens-val', await write('tokens-validation.jsonl', valTokens));
      // torch's default (every core) spins on a busy machine: the same choice as the native trainer's.
      args.push('--threads', String(spec.python.threads ?? machineThreads().training));
      return { label: 'python trainer', command: venvPython(env.venv), args, cwd: config.work_dir, env: { ...process.env, PYTHONUNBUFFERED: '1' } };
    },
    async (done, config) => {
      if (full) {
        const { tensors } = await readSafetensors(path.join(done.output, 'model.safetensors'));
        await writeGgufWithTensors(config.base_model, new Map(tensors.map((t) => [t.name, t])), config.output);
      } else {
        await convertAdapterDirToGguf(done.output, 'peft', config.base_model, config.output);
        // The PEFT folder stays beside the GGUF adapter: a later round continues training from it.
        await fs.cp(done.output, peftDirOf(config.output), { recursive: true });
      }
      return config.output;
    },
  );
}

/** Where the PEFT adapter behind a GGUF LoRA adapter written by the python trainer is kept. */
export function peftDirOf(adapterFile: string): string {
  return `${adapterFile}.peft`;
}
