import type { Command } from 'commander';
import { trainStarter } from './train';
import { nameOrId, numberFlag } from './flags';
import type { CatalogEntry, Model } from '../../shared/contract/models';
import type { OpenEngine } from './engine-opener';
import { registerModelPullCommand } from './model-serving';
import { registerModelPromptCommands } from './model-prompt';
import { formatTable } from './table';
import { roundName } from '../../shared/contract/round-counts';

/** `toolsmith model …`: create the starter model, import, pull, list, rename, delete, show. */

const intOption = (name: string, raw: string | undefined) => numberFlag(name, raw, { integer: true, min: 0 });

export function formatCount(n: number | null): string {
  if (n === null) return '';
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

function formatSize(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
}

/** `model catalog`'s table: one row per entry, its sources joined in the order they are tried. */
export function formatCatalog(items: (CatalogEntry & { modelId?: number | null })[]): string {
  return formatTable(
    ['name', 'params', 'size', 'licence', 'format', 'pulled', 'sources'],
    items.map((e) => [
      e.name,
      formatCount(e.parameters),
      `~${formatSize(e.sources[0]?.sizeBytes ?? e.approxSizeBytes)}`,
      e.licence,
      e.callFormat,
      e.modelId != null ? `id ${e.modelId}` : '',
      e.sources.map((s) => `${s.ref}${s.sha256 ? ' (sha256 pinned)' : ''}`).join(' | '),
    ]),
  );
}

function printModel(m: Model): void {
  console.log(
    formatTable(
      ['', ''],
      [
        ['id', m.id],
        ['name', m.name],
        ['kind', m.kind],
        ['file', m.path],
        ['architecture', m.architecture],
        ['parameters', formatCount(m.parameters)],
        ['quantization', m.quantization],
        ['context', m.contextLength],
        ['size', formatSize(m.sizeBytes)],
        ['sha256', m.sha256],
        [
          'chat template',
          m.chatTemplate ? `own (${String(m.metadata.templateHash ?? '')})` : `fallback (${String(m.metadata.templateHash ?? '')})`,
        ],
        ...(m.parentId !== null ? [['parent', m.parentId]] : []),
        ...(m.round ? [['round', roundName(m.round)]] : []),
        ...(m.adapterFile ? [['adapter', m.adapterFile]] : []),
        ...(m.trainer ? [['trainer', m.trainer]] : []),
      ],
    )
      .split('\n')
      .slice(2)
      .join('\n'),
  );
}

export function registerModelsCommands(program: Command, open: OpenEngine): void {
  const model = program.command('model').description('Local GGUF models: create the starter model, import, pull, list, rename, delete');

  model
    .command('create-starter')
    .description('Write a new tiny starter model (llama architecture, random weights, offline) and register it')
    .option('--name <name>', 'name in the registry (default: "starter", made unique)')
    .option('--seed <n>', 'random seed (same seed → same file)')
    .option('--layers <n>', 'transformer blocks')
    .option('--embedding <n>', 'embedding width')
    .option('--heads <n>', 'attention heads')
    .option('--train', 'then pretrain it on the built-in seed corpus (native trainer) and register the result')
    .option('--train-steps <n>', 'with --train: optimizer steps (default 400)')
    .option('--json', 'print the registered model as JSON')
    .action(
      async (
        opts: {
          name?: string;
          seed?: string;
          layers?: string;
          embedding?: string;
          heads?: string;
          json?: boolean;
          train?: boolean;
          trainSteps?: string;
        },
        command: Command,
      ) => {
        const { engine, client } = open(command);
        try {
          const created = await client.call('models.createStarter', {
            name: opts.name,
            seed: intOption('--seed', opts.seed),
            layers: intOption('--layers', opts.layers),
            embedding: intOption('--embedding', opts.embedding),
            heads: intOption('--heads', opts.heads),
          });
          if (opts.json) console.log(JSON.stringify(created, null, 2));
          else printModel(created);
          if (opts.train) await trainStarter(client, created.id, intOption('--train-steps', opts.trainSteps), opts.json);
        } finally {
          await engine.close();
        }
      },
    );

  model
    .command('import')
    .description('Import a GGUF model file (validated, copied into the workspace)')
    .argument('<file>', 'path of a .gguf file')
    .option('--name <name>', 'name in the registry (default: the file name without .gguf)')
    .option('--no-copy', 'register the file where it is instead of copying it')
    .option('--json', 'print the registered model as JSON')
    .action(async (file: string, opts: { name?: string; copy: boolean; json?: boolean }, command: Command) => {
      const { engine, client } = open(command);
      try {
        const imported = await client.call('models.import', { file, name: opts.name, copy: opts.copy });
        if (opts.json) console.log(JSON.stringify(imported, null, 2));
        else printModel(imported);
      } finally {
        await engine.close();
      }
    });

  registerModelPullCommand(model, open);

  model
    .command('catalog')
    .description('List the recommended models that `toolsmith model pull NAME` downloads (first reachable source wins)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { engine, client } = open(command);
      try {
        const { items } = await client.call('models.catalog');
        if (opts.json) console.log(JSON.stringify(items, null, 2));
        else {
          console.log(formatCatalog(items));
          console.log('\nPull one with `toolsmith model pull NAME`; it is registered under that name.');
        }
      } finally {
        await engine.close();
      }
    });

  model
    .command('list')
    .description('List registered models')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { engine, client } = open(command);
      try {
        const { items } = await client.call('models.list');
        if (opts.json) {
          console.log(JSON.stringify(items, null, 2));
          return;
        }
        if (items.length === 0) {
          console.log('No models yet. Create one with `toolsmith model create-starter`, or `toolsmith model import FILE`.');
          return;
        }
        console.log(
          formatTable(
            ['id', 'name', 'kind', 'arch', 'params', 'quant', 'context', 'size', 'parent'],
            items.map((m) => [
              m.id,
              m.name,
              m.kind,
              m.architecture,
              formatCount(m.parameters),
              m.quantization,
              m.contextLength,
              formatSize(m.sizeBytes),
              m.parentId,
            ]),
          ),
        );
      } finally {
        await engine.close();
      }
    });

  model
    .command('show')
    .description('Show one model (name or id)')
    .argument('<model>', 'name or id')
    .option('--json', 'print JSON')
    .action(async (ref: string, opts: { json?: boolean }, command: Command) => {
      const { engine, client } = open(command);
      try {
        const m = await client.call('models.get', { model: nameOrId(ref) });
        if (opts.json) console.log(JSON.stringify(m, null, 2));
        else printModel(m);
      } finally {
        await engine.close();
      }
    });

  model
    .command('rename')
    .description('Rename a model')
    .argument('<model>', 'name or id')
    .argument('<name>', 'new name')
    .action(async (ref: string, name: string, _opts: unknown, command: Command) => {
      const { engine, client } = open(command);
      try {
        const m = await client.call('models.rename', { model: nameOrId(ref), name });
        console.log(`Renamed model ${m.id} to "${m.name}".`);
      } finally {
        await engine.close();
      }
    });

  registerModelPromptCommands(model, open);

  model
    .command('delete')
    .description('Delete a model (and its file in the workspace)')
    .argument('<model>', 'name or id')
    .option('--keep-file', 'keep the GGUF file')
    .action(async (ref: string, opts: { keepFile?: boolean }, command: Command) => {
      const { engine, client } = open(command);
      try {
        const { deleted } = await client.call('models.delete', { model: nameOrId(ref), keepFile: opts.keepFile ?? false });
        console.log(`Deleted model ${deleted.id} ("${deleted.name}").`);
      } finally {
        await engine.close();
      }
    });
}
