import os from 'node:os';
import { getLlama, LlamaLogLevel, type Llama, type LlamaModel } from 'node-llama-cpp';
import { readGguf } from '../lib/gguf/read';

/**
 * The local runtime: one node-llama-cpp `Llama` per process (GPU detected — CUDA, Vulkan, Metal — with CPU
 * as the fallback; never builds or downloads binaries), a report of the device and memory, and a memory
 * check before a model is loaded so that "too large" is a clear error rather than a crash or swap storm.
 */

export type GpuSetting = 'auto' | false | 'cuda' | 'vulkan' | 'metal';

export interface DeviceReport {
  /** 'cuda' | 'vulkan' | 'metal', or false for CPU only. */
  gpu: string | false;
  gpuDevices: string[];
  vram: { total: number; used: number; free: number } | null;
  ram: { total: number; free: number };
  /** Cores llama.cpp uses for math by default (physical cores). */
  cpuMathCores: number;
  /** Why a GPU is not used, when one was asked for and fell back to the CPU. */
  fallbackReason?: string;
}

const llamas = new Map<string, Promise<{ llama: Llama; fallbackReason?: string }>>();

/** The process's Llama for a GPU setting (created once). With 'auto', any failure falls back to the CPU. */
export async function getRuntimeLlama(gpu: GpuSetting = 'auto'): Promise<{ llama: Llama; fallbackReason?: string }> {
  const key = String(gpu);
  let pending = llamas.get(key);
  if (!pending) {
    pending = (async () => {
      const base = { build: 'never' as const, logLevel: LlamaLogLevel.error, progressLogs: false, skipDownload: true };
      try {
        return { llama: await getLlama({ ...base, gpu }) };
      } catch (error) {
        if (gpu === false) throw error;
        const llama = await getLlama({ ...base, gpu: false });
        return { llama, fallbackReason: `GPU (${String(gpu)}) unavailable: ${(error as Error).message}` };
      }
    })();
    pending.catch(() => llamas.delete(key));
    llamas.set(key, pending);
  }
  return pending;
}

export async function deviceReport(llama: Llama, fallbackReason?: string): Promise<DeviceReport> {
  const gpu = llama.gpu;
  let vram: DeviceReport['vram'] = null;
  let gpuDevices: string[] = [];
  if (gpu) {
    const state = await llama.getVramState();
    vram = { total: state.total, used: state.used, free: state.free };
    gpuDevices = await llama.getGpuDeviceNames();
  }
  return {
    gpu,
    gpuDevices,
    vram,
    ram: { total: os.totalmem(), free: os.freemem() },
    cpuMathCores: llama.cpuMathCores,
    ...(fallbackReason ? { fallbackReason } : {}),
  };
}

export class ModelTooLargeError extends Error {
  constructor(
    readonly file: string,
    readonly neededBytes: number,
    readonly availableBytes: number,
  ) {
    super(
      `${file}: the model needs about ${gib(neededBytes)} of memory but only ${gib(availableBytes)} is free` +
        ` (RAM${availableBytes > os.freemem() ? ' + VRAM' : ''}). Choose a smaller or more quantised model, or free memory.`,
    );
    this.name = 'ModelTooLargeError';
  }
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(bytes < 2 ** 30 ? 3 : 1)} GiB`;
}

/** Throws ModelTooLargeError when the tensors of `file` cannot fit in free RAM (+ free VRAM). */
export async function checkModelFits(llama: Llama, file: string): Promise<void> {
  const header = await readGguf(file);
  const needed = (header.dataSize ?? header.fileSize - header.dataOffset) * 1.05 + 64 * 2 ** 20;
  let available = os.freemem();
  if (llama.gpu) available += (await llama.getVramState()).free;
  if (needed > available) throw new ModelTooLargeError(file, needed, available);
}

export interface LoadModelOptions {
  gpu?: GpuSetting;
  /** Skip the memory check (e.g. a memory-mapped model known to fit). */
  skipMemoryCheck?: boolean;
}

/** Loads a GGUF model (after the header and memory checks), on the GPU when there is one. */
export async function loadModel(
  file: string,
  options: LoadModelOptions = {},
): Promise<{ llama: Llama; model: LlamaModel; fallbackReason?: string }> {
  const { llama, fallbackReason } = await getRuntimeLlama(options.gpu ?? 'auto');
  if (!options.skipMemoryCheck) await checkModelFits(llama, file);
  const model = await llama.loadModel({ modelPath: file, gpuLayers: llama.gpu ? 'auto' : 0 });
  return { llama, model, ...(fallbackReason ? { fallbackReason } : {}) };
}
