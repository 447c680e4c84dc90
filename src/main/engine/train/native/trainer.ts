import fs from 'node:fs/promises';
import path from 'node:path';
import koffi from 'koffi';
import { readGguf, metaString } from '../../lib/gguf/read';
import { writeGguf, type TensorToWrite } from '../../lib/gguf/write';
import { GgmlType, ggmlTypeName, FILE_TYPE_NAMES } from '../../lib/gguf/types';
import { ContractError, EXIT, learningRateAt, readDataset, type ContractConfig, type ContractLine, type DoneLine } from '../contract';
import {
  GGML_TYPE_F32,
  GGML_TYPE_I32,
  LLAMA_FLASH_ATTN_TYPE_DISABLED,
  LLAMA_LOAD_MODE_NONE,
  OPTIMIZER,
  OptimizerParams,
  ParamFilterProto,
  EpochCallbackProto,
  loadLlama,
} from './ffi';
import { packWindows, type Window } from './pack';

/** A failure with the exit code the contract assigns to it (2 = bad input, 1 = training failed). */
export class TrainerError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
    this.name = 'TrainerError';
  }
}

/**
 * The native trainer: llama.cpp's own training loop (llama_opt_init / llama_opt_epoch) over node-llama-cpp's
 * shared libraries. Runs synchronously inside the calling process (the FFI calls block), so Toolsmith
 * always runs it in a child process (`child.ts`, or `toolsmith train --contract`) and cancels by ending it.
 */
export async function runNativeTrainer(config: ContractConfig, emit: (line: ContractLine) => void): Promise<DoneLine> {
  const started = Date.now();
  const base = config.base_model;
  if (config.output_kind !== 'model') {
    throw new TrainerError('The native trainer writes a full GGUF model, not a LoRA adapter: set output_kind to "model".', EXIT.badInput);
  }
  const header = await readGguf(base).catch((error: Error) => {
    throw new TrainerError(`Cannot read the base model: ${error.message}`, EXIT.badInput);
  });
  const notF32 = header.tensors.filter((t) => t.type !== GgmlType.F32);
  if (notF32.length) {
    const fileType = FILE_TYPE_NAMES[Number(header.metadata['general.file_type'])] ?? 'not F32';
    throw new TrainerError(
      `${base}: the native trainer needs F32 weights, but ${notF32.length} of ${header.tensors.length} tensors are not F32 ` +
        `(e.g. ${notF32[0]!.name} is ${ggmlTypeName(notF32[0]!.type)}; file type ${fileType}). ` +
        'Fix: use the python backend (LoRA on any model), or convert the model to F32 first ' +
        '(llama.cpp: convert_hf_to_gguf.py --outtype f32).',
      EXIT.badInput,
    );
  }
  const trainRows = await readDataset(config.dataset.train);
  const valRows = config.dataset.validation ? await readDataset(config.dataset.validation) : [];
  if (!trainRows.length) {
    throw new TrainerError(
      `${config.dataset.train}: the training set is empty. Add examples (accepted samples) before training.`,
      EXIT.badInput,
    );
  }

  const L = loadLlama();
  // llama.cpp pads every context to a multiple of 256 tokens, and trains one full context per step.
  const nCtx = Math.ceil(config.hyper.context_length / 256) * 256;
  const mp = L.llama_model_default_params();
  mp.n_gpu_layers = 0;
  mp.load_mode = LLAMA_LOAD_MODE_NONE; // the optimizer writes into the weights: no mmap
  mp.use_extra_bufts = false; // no repacked weight buffers: the weights must stay plain F32 tensors
  const model = L.llama_model_load_from_file(base, mp);
  if (!model) throw new TrainerError(`${base}: llama.cpp could not load this model (see the log above).`, EXIT.badInput);

  let ctx: unknown = null;
  const registered: unknown[] = [];
  let optBuf: unknown = null;
  try {
    const threads = config.native.threads;
    const cp = L.llama_context_default_params();
    cp.n_ctx = nCtx;
    cp.n_batch = nCtx;
    cp.n_ubatch = nCtx; // one window of n_ctx tokens per optimizer step
    cp.n_seq_max = 1;
    cp.n_threads = threads;
    cp.n_threads_batch = threads;
    cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
    cp.type_k = GGML_TYPE_F32;
    cp.type_v = GGML_TYPE_F32;
    cp.no_perf = true;
    ctx = L.llama_init_from_model(model, cp);
    if (!ctx) throw new TrainerError(`llama.cpp could not create a context of ${nCtx} tokens for ${base}.`);
    if (L.llama_n_ctx(ctx) !== nCtx) throw new TrainerError(`llama.cpp made a context of ${L.llama_n_ctx(ctx)} tokens, expected ${nCtx}.`);

    const vocab = L.llama_model_get_vocab(model);
    const nVocab = L.llama_vocab_n_tokens(vocab) as number;
    const bos = L.llama_vocab_bos(vocab) as number;
    const tokenize = (text: string): Int32Array => {
      const bytes = Buffer.byteLength(text);
      let out = new Int32Array(bytes + 8);
      let n = L.llama_tokenize(vocab, text, bytes, out, out.length, true, true) as number;
      if (n < 0) {
        out = new Int32Array(-n);
        n = L.llama_tokenize(vocab, text, bytes, out, out.length, true, true) as number;
      }
      // Templates that print the BOS text themselves would otherwise start with two BOS tokens.
      if (n >= 2 && out[0] === bos && out[1] === bos) return out.subarray(1, n);
      return out.subarray(0, n);
    };
    const toTokens = (rows: { text: string }[], file: string) =>
      rows.map((row, i) => {
        const tokens = tokenize(row.text);
        if (tokens.length > nCtx) {
          throw new TrainerError(
            `${file}:${i + 1}: the example is ${tokens.length} tokens, longer than the context (${nCtx} tokens). ` +
              'Fix: raise hyper.contextLength (the native trainer learns one window of exactly that many tokens per step) or shorten the example.',
            EXIT.badInput,
          );
        }
        return tokens;
      });
    const trainTokens = toTokens(trainRows, config.dataset.train);
    const valTokens = config.dataset.validation ? toTokens(valRows, config.dataset.validation) : [];
    const trainWindows = packWindows(trainTokens, nCtx);
    const valWindows = valTokens.length ? packWindows(valTokens, nCtx) : [];

    // A first ordinary decode makes the CPU backend use our thread count (it uses 4 until one ran).
    const one = Int32Array.from([trainTokens[0]![0]!]);
    const batch = L.llama_batch_get_one(one, 1);
    if (L.llama_decode(ctx, batch) !== 0) throw new TrainerError('llama.cpp could not run the warm-up decode.');
    L.llama_memory_clear(L.llama_get_memory(ctx), true);

    // Which tensors train: by default only the last block and the output (exact gradients in this build).
    const nLayer = L.llama_model_n_layer(model) as number;
    const mode = config.native.train_layers;
    const firstTrained = mode === 'all' ? 0 : mode === 'last' ? nLayer - 1 : Math.max(0, nLayer - mode);
    const trainedNames: string[] = [];
    const filter = koffi.register((tensor: unknown) => {
      const name = String(L.ggml_get_name(tensor) ?? '');
      const block = /^blk\.(\d+)\./.exec(name);
      const ok = block ? Number(block[1]) >= firstTrained : mode === 'all' || name.startsWith('output');
      if (ok) trainedNames.push(name);
      return ok;
    }, koffi.pointer(ParamFilterProto));
    registered.push(filter);

    const h = config.hyper;
    const stepsPerEpoch = trainWindows.length;
    const totalSteps = Math.max(1, Math.min(h.max_steps ?? Infinity, Math.ceil(h.epochs * stepsPerEpoch)));
    optBuf = koffi.alloc(OptimizerParams, 1);
    const setLr = (step: number) => {
      const lr = learningRateAt(step, totalSteps, h);
      koffi.encode(optBuf, OptimizerParams, {
        adamw_alpha: lr,
        adamw_beta1: 0.9,
        adamw_beta2: 0.999,
        adamw_eps: 1e-8,
        adamw_wd: h.weight_decay,
        sgd_alpha: lr,
        sgd_wd: h.weight_decay,
      });
      return lr;
    };
    let lr = setLr(0);
    L.llama_opt_init(ctx, model, {
      n_ctx_train: 0,
      param_filter: filter,
      param_filter_ud: null,
      get_opt_pars: L.constantOptimizerParams,
      get_opt_pars_ud: optBuf,
      optimizer_type: OPTIMIZER[h.optimizer],
    });
    const trainedParams = trainedNames.length;
    emit({
      event: 'start',
      total_steps: totalSteps,
      info: {
        trainer: 'native',
        n_ctx: nCtx,
        threads,
        n_vocab: nVocab,
        n_layer: nLayer,
        trained_tensors: trainedParams,
        train_layers: mode,
        train_windows: trainWindows.length,
        validation_windows: valWindows.length,
        note:
          mode === 'all'
            ? 'experimental: K/V projections and embeddings get no gradient in this llama.cpp build'
            : 'exact gradients: last block(s) + output',
      },
    });

    const resultTrain = L.ggml_opt_result_init();
    const resultEval = L.ggml_opt_result_init();
    let step = 0;
    let stepsBeforeEpoch = 0;
    let epoch = 0;
    let firstLoss: number | undefined;
    let lastLoss: number | undefined;
    let prevSum = 0;
    let prevCorrectTokens = 0;
    let prevTokens = 0;
    let peakRss = process.memoryUsage().rss;
    let valLoss: number | undefined;
    let valAccuracy: number | undefined;
    const trainStart = Date.now();
    const epochLosses: number[] = [];
    let rng = h.seed >>> 0 || 1;
    const rand = () => {
      rng ^= rng << 13;
      rng >>>= 0;
      rng ^= rng >>> 17;
      rng ^= rng << 5;
      rng >>>= 0;
      return rng / 0x100000000;
    };

    const readLoss = (result: unknown) => {
      const loss = [0];
      const unc = [0];
      L.ggml_opt_result_loss(result, loss, unc);
      const acc = [0];
      L.ggml_opt_result_accuracy(result, acc, unc);
      const nd = [0];
      L.ggml_opt_result_ndata(result, nd);
      return { loss: loss[0]!, accuracy: acc[0]!, ndata: Number(nd[0]) };
    };

    const parentPid = process.ppid;
    const onTrain = koffi.register((train: boolean, _opt: unknown, _ds: unknown, result: unknown, ibatch: number | bigint) => {
      // The event loop is blocked in llama_opt_epoch: if the parent died, end here rather than train on as an orphan.
      if (parentPid > 1 && process.ppid !== parentPid) process.exit(EXIT.failed);
      if (!train) return;
      const i = Number(ibatch);
      const r = readLoss(result);
      // The result holds a running mean over this epoch's batches: recover this step's own loss.
      const sum = r.loss * i;
      const stepLoss = sum - prevSum;
      prevSum = sum;
      const correct = r.accuracy * r.ndata;
      const stepAcc = r.ndata > prevTokens ? (correct - prevCorrectTokens) / (r.ndata - prevTokens) : undefined;
      prevCorrectTokens = correct;
      prevTokens = r.ndata;
      step = stepsBeforeEpoch + i;
      firstLoss ??= stepLoss;
      lastLoss = stepLoss;
      const rss = process.memoryUsage().rss;
      peakRss = Math.max(peakRss, rss);
      const elapsed = (Date.now() - trainStart) / 1000;
      emit({
        event: 'progress',
        step,
        total_steps: totalSteps,
        epoch: epoch + i / Math.max(1, stepsThisEpoch),
        loss: stepLoss,
        ...(stepAcc !== undefined && Number.isFinite(stepAcc) ? { accuracy: Math.min(1, Math.max(0, stepAcc)) } : {}),
        learning_rate: lr,
        tokens_per_second: elapsed > 0 ? (step * nCtx) / elapsed : 0,
        eta_seconds: step > 0 ? ((totalSteps - step) * elapsed) / step : undefined,
        memory_bytes: rss,
        elapsed_seconds: elapsed,
      } as ContractLine);
      lr = setLr(step); // the optimizer reads it before the next step
    }, koffi.pointer(EpochCallbackProto));
    registered.push(onTrain);

    let stepsThisEpoch = 0;
    while (step < totalSteps) {
      stepsThisEpoch = Math.min(stepsPerEpoch, totalSteps - stepsBeforeEpoch);
      // A fresh shuffled order each epoch: the first `stepsThisEpoch` train windows, then the validation windows.
      const order = trainWindows.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const chosen: Window[] = order.slice(0, stepsThisEpoch).map((i) => trainWindows[i]!);
      const all = [...chosen, ...valWindows];
      const dataset = L.ggml_opt_dataset_init(GGML_TYPE_I32, GGML_TYPE_I32, nCtx, nCtx, all.length, 1);
      try {
        const data = new Int32Array(koffi.view(L.ggml_get_data(L.ggml_opt_dataset_data(dataset)), all.length * nCtx * 4));
        const labels = new Int32Array(koffi.view(L.ggml_get_data(L.ggml_opt_dataset_labels(dataset)), all.length * nCtx * 4));
        all.forEach((w, i) => {
          data.set(w.input, i * nCtx);
          labels.set(w.labels, i * nCtx);
        });
        prevSum = 0;
        prevCorrectTokens = 0;
        prevTokens = 0;
        L.ggml_opt_result_reset(resultTrain);
        L.ggml_opt_result_reset(resultEval);
        L.llama_opt_epoch(ctx, dataset, resultTrain, resultEval, chosen.length, onTrain, null);
      } finally {
        L.ggml_opt_dataset_free(dataset);
      }
      epochLosses.push(readLoss(resultTrain).loss);
      stepsBeforeEpoch += stepsThisEpoch;
      step = stepsBeforeEpoch;
      epoch += 1;
      if (valWindows.length) {
        const v = readLoss(resultEval);
        valLoss = v.loss;
        valAccuracy = Number.isFinite(v.accuracy) ? v.accuracy : undefined;
        const elapsed = (Date.now() - trainStart) / 1000;
        emit({
          event: 'progress',
          step,
          total_steps: totalSteps,
          epoch,
          loss: lastLoss,
          val_loss: valLoss,
          ...(valAccuracy !== undefined ? { val_accuracy: valAccuracy } : {}),
          learning_rate: lr,
          tokens_per_second: elapsed > 0 ? (step * nCtx) / elapsed : 0,
          eta_seconds: ((totalSteps - step) * elapsed) / Math.max(1, step),
          memory_bytes: process.memoryUsage().rss,
          elapsed_seconds: elapsed,
        } as ContractLine);
      }
    }
    L.ggml_opt_result_free(resultTrain);
    L.ggml_opt_result_free(resultEval);
    const trainSeconds = (Date.now() - trainStart) / 1000;

    // llama_model_save_to_file drops the chat template and file type, and stores n_ctx as the training
    // context: write the base's values back, then publish the file atomically.
    await fs.mkdir(config.work_dir, { recursive: true });
    const raw = path.join(config.work_dir, `native-raw-${process.pid}.gguf`);
    L.llama_model_save_to_file(model, raw);
    await restoreMetadata(raw, header.metadata, header.types, config.output, {
      'toolsmith.trainer': 'native',
      'toolsmith.train_layers': String(mode),
    });
    await fs.rm(raw, { force: true });

    const metrics: Record<string, number> = {
      steps: totalSteps,
      tokens: totalSteps * nCtx,
      seconds: (Date.now() - started) / 1000,
      train_seconds: trainSeconds,
      tokens_per_second: (totalSteps * nCtx) / Math.max(1e-9, trainSeconds),
      peak_memory_bytes: peakRss,
      trained_tensors: trainedParams,
    };
    if (firstLoss !== undefined) metrics.first_loss = firstLoss;
    if (lastLoss !== undefined) metrics.final_loss = lastLoss;
    if (epochLosses.length) {
      metrics.first_epoch_loss = epochLosses[0]!;
      metrics.final_epoch_loss = epochLosses[epochLosses.length - 1]!;
    }
    if (valLoss !== undefined) metrics.val_loss = valLoss;
    if (valAccuracy !== undefined) metrics.val_accuracy = valAccuracy;
    const done: DoneLine = { event: 'done', output: config.output, kind: 'model', metrics };
    emit(done);
    return done;
  } finally {
    for (const cb of registered) koffi.unregister(cb as bigint);
    if (optBuf) koffi.free(optBuf);
    if (ctx) L.llama_free(ctx);
    L.llama_model_free(model);
  }
}

/** Rewrites `raw` (as saved by llama.cpp) to `output` with the base's lost metadata put back. */
async function restoreMetadata(
  raw: string,
  baseMeta: Record<string, unknown>,
  baseTypes: Awaited<ReturnType<typeof readGguf>>['types'],
  output: string,
  extra: Record<string, string>,
): Promise<void> {
  const saved = await readGguf(raw);
  const arch = metaString(saved.metadata, 'general.architecture') ?? '';
  const metadata: Record<string, unknown> = { ...saved.metadata };
  const types = { ...saved.types };
  const restore = (key: string) => {
    if (baseMeta[key] === undefined) return;
    metadata[key] = baseMeta[key];
    if (baseTypes[key]) types[key] = baseTypes[key]!;
  };
  restore('tokenizer.chat_template');
  restore('general.file_type');
  restore(`${arch}.context_length`);
  restore('general.name');
  for (const [k, v] of Object.entries(extra)) {
    metadata[k] = v;
    delete types[k];
  }
  delete metadata['general.alignment'];
  const bytes = await fs.readFile(raw);
  const tensors: TensorToWrite[] = saved.tensors.map((t) => {
    if (t.type !== GgmlType.F32) throw new ContractError(`${raw}: tensor ${t.name} came back as ${ggmlTypeName(t.type)}, expected F32`);
    const n = t.dims.reduce((a, b) => a * b, 1);
    const start = saved.dataOffset + t.offset;
    const data = new Float32Array(n);
    new Uint8Array(data.buffer).set(bytes.subarray(start, start + n * 4));
    return { name: t.name, dims: t.dims, type: GgmlType.F32, data };
  });
  await writeGguf(output, { metadata, types, tensors, alignment: saved.alignment });
}
