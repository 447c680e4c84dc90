import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import koffi from 'koffi';

/**
 * koffi bindings to the llama.cpp training API inside node-llama-cpp's own shared libraries.
 * Struct layouts follow `include/llama.h` and `ggml/include/ggml-opt.h` of the bundled release
 * (node_modules/node-llama-cpp/llama/gitRelease.bundle); `checkLayouts()` asserts the sizes that
 * were verified against that header (model params 80 bytes, context params 160, opt params 48).
 * Only the trainer child process loads this module: the libraries are process-global state.
 */

export const GGML_TYPE_F32 = 0;
export const GGML_TYPE_I32 = 26;
export const LLAMA_LOAD_MODE_NONE = 0;
export const LLAMA_FLASH_ATTN_TYPE_DISABLED = 0;
export const OPTIMIZER = { adamw: 0, sgd: 1 } as const;

/** Folder of node-llama-cpp's prebuilt CPU binaries for this platform (libllama, libggml*). */
export function findLlamaLibDir(): string {
  const override = process.env.TOOLSMITH_LLAMA_LIB_DIR;
  if (override) return override;
  const platform = `${process.platform}-${process.arch}`;
  const candidates: string[] = [];
  const roots = [path.dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const root of roots) {
    // Walk up to every node_modules folder (works from src/, out/ and an installed package alike).
    for (let dir = root; ; dir = path.dirname(dir)) {
      candidates.push(path.join(dir, 'node_modules', '@node-llama-cpp', platform, 'bins', platform));
      if (path.dirname(dir) === dir) break;
    }
  }
  for (const dir of candidates) {
    if (fs.existsSync(dir) && fs.readdirSync(dir).some((f) => f.startsWith('libllama'))) return dir;
  }
  throw new Error(
    `No node-llama-cpp CPU binaries for ${platform} (looked in node_modules/@node-llama-cpp/${platform} above ${roots.join(' and ')}). ` +
      'Reinstall node-llama-cpp (npm install) or set TOOLSMITH_LLAMA_LIB_DIR to the folder holding libllama.',
  );
}

function libFile(dir: string, stem: string): string {
  const ext = process.platform === 'darwin' ? '.dylib' : process.platform === 'win32' ? '.dll' : '.so';
  const found = fs.readdirSync(dir).find((f) => f === `${stem}${ext}` || (f.startsWith(`${stem}.`) && f.endsWith(ext)));
  if (!found) throw new Error(`${stem}${ext} not found in ${dir}`);
  return path.join(dir, found);
}

// ---- struct layouts (llama.h of the bundled release) ----
export const ModelParams = koffi.struct('llama_model_params', {
  devices: 'void *',
  tensor_buft_overrides: 'void *',
  n_gpu_layers: 'int32_t',
  split_mode: 'int32_t',
  load_mode: 'int32_t',
  lazy_mode: 'int32_t',
  main_gpu: 'int32_t',
  tensor_split: 'void *',
  progress_callback: 'void *',
  progress_callback_user_data: 'void *',
  kv_overrides: 'void *',
  vocab_only: 'bool',
  check_tensors: 'bool',
  use_extra_bufts: 'bool',
  no_host: 'bool',
  no_alloc: 'bool',
  load_mtp: 'bool',
});

export const ContextParams = koffi.struct('llama_context_params', {
  n_ctx: 'uint32_t',
  n_batch: 'uint32_t',
  n_ubatch: 'uint32_t',
  n_seq_max: 'uint32_t',
  n_rs_seq: 'uint32_t',
  n_outputs_max: 'uint32_t',
  n_outputs_max_per_seq: 'uint32_t',
  n_threads: 'int32_t',
  n_threads_batch: 'int32_t',
  ctx_type: 'int32_t',
  rope_scaling_type: 'int32_t',
  pooling_type: 'int32_t',
  attention_type: 'int32_t',
  flash_attn_type: 'int32_t',
  rope_freq_base: 'float',
  rope_freq_scale: 'float',
  yarn_ext_factor: 'float',
  yarn_attn_factor: 'float',
  yarn_beta_fast: 'float',
  yarn_beta_slow: 'float',
  yarn_orig_ctx: 'uint32_t',
  defrag_thold: 'float',
  cb_eval: 'void *',
  cb_eval_user_data: 'void *',
  type_k: 'int32_t',
  type_v: 'int32_t',
  abort_callback: 'void *',
  abort_callback_data: 'void *',
  embeddings: 'bool',
  offload_kqv: 'bool',
  no_perf: 'bool',
  op_offload: 'bool',
  swa_full: 'bool',
  kv_unified: 'bool',
  samplers: 'void *',
  n_samplers: 'size_t',
  ctx_other: 'void *',
});

export const OptParams = koffi.struct('llama_opt_params', {
  n_ctx_train: 'uint32_t',
  param_filter: 'void *',
  param_filter_ud: 'void *',
  get_opt_pars: 'void *',
  get_opt_pars_ud: 'void *',
  optimizer_type: 'int32_t',
});

/** ggml_opt_optimizer_params: read by ggml_opt_get_constant_optimizer_params from our buffer. */
export const OptimizerParams = koffi.struct('ggml_opt_optimizer_params', {
  adamw_alpha: 'float',
  adamw_beta1: 'float',
  adamw_beta2: 'float',
  adamw_eps: 'float',
  adamw_wd: 'float',
  sgd_alpha: 'float',
  sgd_wd: 'float',
});

export const LlamaBatch = koffi.struct('llama_batch', {
  n_tokens: 'int32_t',
  token: 'void *',
  embd: 'void *',
  pos: 'void *',
  n_seq_id: 'void *',
  seq_id: 'void *',
  logits: 'void *',
});

export const ParamFilterProto = koffi.proto('bool llama_opt_param_filter(void *tensor, void *userdata)');
export const EpochCallbackProto = koffi.proto(
  'void ggml_opt_epoch_callback(bool train, void *opt_ctx, void *dataset, void *result, int64_t ibatch, int64_t ibatch_max, int64_t t_start_us)',
);

export function checkLayouts(): void {
  const sizes: [string, number, number][] = [
    ['llama_model_params', koffi.sizeof(ModelParams), 80],
    ['llama_context_params', koffi.sizeof(ContextParams), 160],
    ['llama_opt_params', koffi.sizeof(OptParams), 48],
    ['ggml_opt_optimizer_params', koffi.sizeof(OptimizerParams), 28],
  ];
  for (const [name, got, want] of sizes) {
    if (got !== want) throw new Error(`FFI layout mismatch: ${name} is ${got} bytes here, llama.h says ${want}`);
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Fn = (...args: any[]) => any;

export interface LlamaLib {
  dir: string;
  llama_backend_init: Fn;
  llama_model_default_params: Fn;
  llama_context_default_params: Fn;
  llama_model_load_from_file: Fn;
  llama_model_free: Fn;
  llama_init_from_model: Fn;
  llama_free: Fn;
  llama_model_get_vocab: Fn;
  llama_vocab_n_tokens: Fn;
  llama_vocab_bos: Fn;
  llama_model_n_layer: Fn;
  llama_model_n_params: Fn;
  llama_n_ctx: Fn;
  llama_tokenize: Fn;
  llama_batch_get_one: Fn;
  llama_decode: Fn;
  llama_get_logits_ith: Fn;
  llama_get_memory: Fn;
  llama_memory_clear: Fn;
  llama_set_n_threads: Fn;
  llama_model_save_to_file: Fn;
  llama_opt_init: Fn;
  llama_opt_epoch: Fn;
  ggml_opt_dataset_init: Fn;
  ggml_opt_dataset_free: Fn;
  ggml_opt_dataset_data: Fn;
  ggml_opt_dataset_labels: Fn;
  ggml_opt_dataset_ndata: Fn;
  ggml_opt_result_init: Fn;
  ggml_opt_result_free: Fn;
  ggml_opt_result_reset: Fn;
  ggml_opt_result_loss: Fn;
  ggml_opt_result_accuracy: Fn;
  ggml_opt_result_ndata: Fn;
  ggml_get_name: Fn;
  ggml_get_data: Fn;
  /** Address of ggml_opt_get_constant_optimizer_params (returns *userdata: our learning-rate buffer). */
  constantOptimizerParams: unknown;
}

let loaded: LlamaLib | undefined;

export function loadLlama(): LlamaLib {
  if (loaded) return loaded;
  checkLayouts();
  const dir = findLlamaLibDir();
  // Load in dependency order with global symbols so libllama finds libggml's.
  const base = koffi.load(libFile(dir, 'libggml-base'), { global: true });
  const ggml = koffi.load(libFile(dir, 'libggml'), { global: true });
  const llama = koffi.load(libFile(dir, 'libllama'), { global: true });
  // CPU backends are separate, dynamically loaded variants (one per instruction set).
  ggml.func('void ggml_backend_load_all_from_path(const char *dir)')(dir);

  loaded = {
    dir,
    llama_backend_init: llama.func('void llama_backend_init()'),
    llama_model_default_params: llama.func('llama_model_default_params', ModelParams, []),
    llama_context_default_params: llama.func('llama_context_default_params', ContextParams, []),
    llama_model_load_from_file: llama.func('llama_model_load_from_file', 'void *', ['const char *', ModelParams]),
    llama_model_free: llama.func('void llama_model_free(void *model)'),
    llama_init_from_model: llama.func('llama_init_from_model', 'void *', ['void *', ContextParams]),
    llama_free: llama.func('void llama_free(void *ctx)'),
    llama_model_get_vocab: llama.func('void *llama_model_get_vocab(void *model)'),
    llama_vocab_n_tokens: llama.func('int32_t llama_vocab_n_tokens(void *vocab)'),
    llama_vocab_bos: llama.func('int32_t llama_vocab_bos(void *vocab)'),
    llama_model_n_layer: llama.func('int32_t llama_model_n_layer(void *model)'),
    llama_model_n_params: llama.func('uint64_t llama_model_n_params(void *model)'),
    llama_n_ctx: llama.func('uint32_t llama_n_ctx(void *ctx)'),
    llama_tokenize: llama.func(
      'int32_t llama_tokenize(void *vocab, const char *text, int32_t text_len, _Out_ int32_t *tokens, int32_t n_tokens_max, bool add_special, bool parse_special)',
    ),
    llama_batch_get_one: llama.func('llama_batch_get_one', LlamaBatch, ['int32_t *', 'int32_t']),
    llama_decode: llama.func('llama_decode', 'int32_t', ['void *', LlamaBatch]),
    llama_get_logits_ith: llama.func('float *llama_get_logits_ith(void *ctx, int32_t i)'),
    llama_get_memory: llama.func('void *llama_get_memory(void *ctx)'),
    llama_memory_clear: llama.func('void llama_memory_clear(void *mem, bool data)'),
    llama_set_n_threads: llama.func('void llama_set_n_threads(void *ctx, int32_t n, int32_t n_batch)'),
    llama_model_save_to_file: llama.func('void llama_model_save_to_file(void *model, const char *path)'),
    llama_opt_init: llama.func('llama_opt_init', 'void', ['void *', 'void *', OptParams]),
    llama_opt_epoch: llama.func('llama_opt_epoch', 'void', [
      'void *',
      'void *',
      'void *',
      'void *',
      'int64_t',
      koffi.pointer(EpochCallbackProto),
      koffi.pointer(EpochCallbackProto),
    ]),
    ggml_opt_dataset_init: base.func(
      'void *ggml_opt_dataset_init(int32_t type_data, int32_t type_label, int64_t ne_datapoint, int64_t ne_label, int64_t ndata, int64_t ndata_shard)',
    ),
    ggml_opt_dataset_free: base.func('void ggml_opt_dataset_free(void *dataset)'),
    ggml_opt_dataset_data: base.func('void *ggml_opt_dataset_data(void *dataset)'),
    ggml_opt_dataset_labels: base.func('void *ggml_opt_dataset_labels(void *dataset)'),
    ggml_opt_dataset_ndata: base.func('int64_t ggml_opt_dataset_ndata(void *dataset)'),
    ggml_opt_result_init: base.func('void *ggml_opt_result_init()'),
    ggml_opt_result_free: base.func('void ggml_opt_result_free(void *result)'),
    ggml_opt_result_reset: base.func('void ggml_opt_result_reset(void *result)'),
    ggml_opt_result_loss: base.func('void ggml_opt_result_loss(void *result, _Out_ double *loss, _Out_ double *unc)'),
    ggml_opt_result_accuracy: base.func('void ggml_opt_result_accuracy(void *result, _Out_ double *acc, _Out_ double *unc)'),
    ggml_opt_result_ndata: base.func('void ggml_opt_result_ndata(void *result, _Out_ int64_t *ndata)'),
    ggml_get_name: base.func('const char *ggml_get_name(void *tensor)'),
    ggml_get_data: base.func('void *ggml_get_data(void *tensor)'),
    constantOptimizerParams: base.symbol('ggml_opt_get_constant_optimizer_params'),
  };
  loaded.llama_backend_init();
  return loaded;
}
