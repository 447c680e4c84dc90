import type { TrainProgress } from '../../../../shared/contract/train';

/**
 * Progress from trainers that do not speak the JSON-lines contract themselves: MLX-LM's
 * "Iter 10: Train loss 2.345, ..." lines and Hugging Face Trainer's logged dicts
 * ("{'loss': 1.23, 'learning_rate': 0.0002, 'epoch': 0.5}"). Other lines are logs. `parseForeignLine` reads
 * one line on its own; a run's stdout goes through `foreignLineReader`, which also knows what came before.
 */
export type ForeignProtocol = 'mlx-lm' | 'hf-log';

function num(re: RegExp, line: string): number | undefined {
  const m = re.exec(line);
  return m ? Number(m[1]) : undefined;
}

export function parseForeignLine(protocol: ForeignProtocol, line: string): TrainProgress | undefined {
  if (protocol === 'mlx-lm') {
    const iter = /^Iter (\d+):/.exec(line);
    if (!iter) return undefined;
    const step = Number(iter[1]);
    const loss = num(/Train loss ([\d.eE+-]+)/, line);
    const valLoss = num(/Val loss ([\d.eE+-]+)/, line);
    const peakGb = num(/Peak mem ([\d.]+) GB/, line);
    return {
      step,
      epoch: 0,
      loss,
      valLoss,
      learningRate: num(/Learning Rate ([\d.eE+-]+)/, line),
      tokensPerSecond: num(/Tokens\/sec ([\d.eE+-]+)/, line),
      memoryBytes: peakGb !== undefined ? peakGb * 1024 ** 3 : undefined,
    };
  }
  const obj = hfLogDict(line);
  return obj && hfProgress(obj);
}

/** A Trainer dict with a training or eval loss as progress (its step only when the dict says it). */
function hfProgress(obj: Record<string, unknown>): TrainProgress | undefined {
  if (obj.loss === undefined && obj.eval_loss === undefined) return undefined;
  const n = (k: string) => hfNumber(obj[k]);
  return {
    step: Math.round(n('step') ?? 0),
    epoch: n('epoch') ?? 0,
    loss: n('loss'),
    valLoss: n('eval_loss'),
    learningRate: n('learning_rate'),
    tokensPerSecond: n('train_tokens_per_second'),
  };
}

/**
 * A Trainer log line as an object. Transformers prints `str(dict)` with floats already formatted as
 * strings ("{'loss': '5.915', 'grad_norm': '0.85', 'learning_rate': '0.02', 'epoch': '0.25'}").
 */
function hfLogDict(line: string): Record<string, unknown> | undefined {
  if (!/^\{'[^']+': .*\}$/.test(line)) return undefined;
  try {
    const json = line
      .replace(/'/g, '"')
      .replace(/\bNone\b/g, 'null')
      .replace(/\bTrue\b/g, 'true')
      .replace(/\bFalse\b/g, 'false');
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function hfNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  return typeof v === 'string' && v !== '' && !Number.isNaN(Number(v)) ? Number(v) : undefined;
}

export interface ForeignReaderOptions {
  /** The run's step count, when the command line fixed it (the presets pass max_steps). */
  totalSteps?: number;
}

/**
 * A stateful reader for one run's stdout. MLX-LM lines carry their step; Hugging Face Trainer's dicts do
 * not, so each training dict counts as one step (the llama-factory preset logs every step) and eval dicts
 * belong to the last step. With `include_num_input_tokens_seen` each training dict also carries
 * `train_runtime` and `train_tokens_per_second` (since the start), and the closing summary (no loss)
 * becomes a last point with the run's elapsed time and mean throughput.
 */
export function foreignLineReader(
  protocol: ForeignProtocol,
  options: ForeignReaderOptions = {},
): (line: string) => TrainProgress | undefined {
  const withTotal = (p: TrainProgress): TrainProgress => (options.totalSteps !== undefined ? { ...p, totalSteps: options.totalSteps } : p);
  if (protocol === 'mlx-lm') {
    return (line) => {
      const p = parseForeignLine(protocol, line);
      return p && withTotal(p);
    };
  }
  let step = 0;
  let epoch = 0;
  return (line) => {
    const obj = hfLogDict(line);
    if (!obj) return undefined;
    const n = (k: string) => hfNumber(obj[k]);
    const timing = { elapsedSeconds: n('train_runtime'), tokensPerSecond: n('train_tokens_per_second') };
    const p = hfProgress(obj);
    if (!p) {
      if (timing.elapsedSeconds === undefined) return undefined;
      // The summary: its throughput is not printed, its token count and runtime are.
      const tokens = n('num_input_tokens_seen');
      timing.tokensPerSecond ??= tokens !== undefined && timing.elapsedSeconds > 0 ? tokens / timing.elapsedSeconds : undefined;
      return withTotal({ step, epoch: n('epoch') ?? epoch, ...timing });
    }
    // A training dict is a step even when its loss is not a number ('nan').
    if (obj.loss !== undefined) step = n('step') !== undefined ? p.step : step + 1;
    epoch = p.epoch || epoch;
    return withTotal({ ...p, ...timing, step, epoch });
  };
}
