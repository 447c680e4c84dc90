/** One training window: n_ctx input tokens and, for each, the next token as its label. */
export interface Window {
  input: Int32Array;
  labels: Int32Array;
}

/**
 * Packs tokenized examples into windows of exactly `nCtx` tokens (llama.cpp trains one full window per
 * step): the examples are concatenated, cut every nCtx tokens, and the stream wraps around to fill the
 * last window, so no token is padding and every example is seen at least once.
 */
export function packWindows(examples: ArrayLike<number>[], nCtx: number): Window[] {
  const total = examples.reduce((n, e) => n + e.length, 0);
  if (total === 0) return [];
  const stream = new Int32Array(total);
  let at = 0;
  for (const e of examples) {
    stream.set(e, at);
    at += e.length;
  }
  const count = Math.max(1, Math.ceil(total / nCtx));
  const tokenAt = (i: number) => stream[i % total]!;
  const windows: Window[] = [];
  for (let w = 0; w < count; w++) {
    const input = new Int32Array(nCtx);
    const labels = new Int32Array(nCtx);
    for (let i = 0; i < nCtx; i++) {
      input[i] = tokenAt(w * nCtx + i);
      labels[i] = tokenAt(w * nCtx + i + 1);
    }
    windows.push({ input, labels });
  }
  return windows;
}
