import type { TrainProgress } from '../../../../shared/contract/train';

/**
 * Progress from trainers that do not speak the JSON-lines contract themselves: MLX-LM's
 * "Iter 10: Train loss 2.345, ..." lines and Hugging Face Trainer's logged dicts
 * ("{'loss': 1.23, 'learning_rate': 0.0002, 'epoch': 0.5}"). Other lines are logs.
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
  // hf-log: a Python dict repr with single quotes.
  const m = /^\{.*'(?:loss|eval_loss)'.*\}$/.exec(line);
  if (!m) return undefined;
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(line.replace(/'/g, '"')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const n = (k: string) =>
    typeof obj[k] === 'number' ? (obj[k] as number) : typeof obj[k] === 'string' && obj[k] !== '' ? Number(obj[k]) : undefined;
  return {
    step: Math.round(n('step') ?? 0),
    epoch: n('epoch') ?? 0,
    loss: n('loss'),
    valLoss: n('eval_loss'),
    learningRate: n('learning_rate'),
    tokensPerSecond: n('train_tokens_per_second'),
  };
}
