import { describe, expect, it } from 'vitest';
import { learningRateAt, parseContractLine, splitExamples, type ContractConfig } from '../../src/main/engine/train/contract';
import { foreignLineReader, parseForeignLine } from '../../src/main/engine/train/command/foreign-logs';
import { spansToTurns, toYaml } from '../../src/main/engine/train/command/llamafactory';
import { COMMAND_PRESETS, fillPlaceholders } from '../../src/main/engine/train/command/presets';
import { packWindows } from '../../src/main/engine/train/native/pack';
import { permuteRows, ggufNameFor } from '../../src/main/engine/train/lora/convert';

const config: ContractConfig = {
  contract_version: 1,
  base_model: '/m/base.gguf',
  hf_model: null,
  output: '/m/out.gguf',
  output_kind: 'adapter',
  work_dir: '/m/.w',
  dataset: {
    train: '/m/.w/train.jsonl',
    validation: null,
    chat_train: '/m/.w/chat/train.jsonl',
    chat_validation: '/m/.w/chat/valid.jsonl',
    train_count: 10,
    validation_count: 0,
  },
  hyper: {
    epochs: 2,
    max_steps: null,
    learning_rate: 1e-4,
    min_learning_rate_ratio: 0.1,
    warmup_steps: 2,
    schedule: 'cosine',
    optimizer: 'adamw',
    weight_decay: 0,
    context_length: 512,
    batch_size: 4,
    seed: 1,
  },
  native: { train_layers: 'last', threads: 1 },
  lora: { rank: 8, alpha: 16, dropout: 0, target_modules: ['q_proj'], init_adapter: null },
};

describe('trainer contract pieces', () => {
  it('parses contract lines and names what is wrong', () => {
    expect(parseContractLine('{"event":"progress","step":3,"epoch":0.5,"loss":1.5}', 1)).toMatchObject({
      event: 'progress',
      step: 3,
      loss: 1.5,
    });
    expect(() => parseContractLine('Epoch 1 loss 2.0', 7)).toThrow(/stdout:7: not a JSON object/);
    expect(() => parseContractLine('{"event":"progress","epoch":0}', 2)).toThrow(/stdout:2: invalid event: step/);
    expect(() => parseContractLine('{"event":"finish"}', 3)).toThrow(/stdout:3: invalid event/);
  });

  it('reads MLX-LM and Hugging Face Trainer logs as progress', () => {
    const mlx = parseForeignLine(
      'mlx-lm',
      'Iter 20: Train loss 1.234, Learning Rate 1.000e-05, It/sec 2.1, Tokens/sec 850.5, Trained Tokens 4096, Peak mem 3.2 GB',
    );
    expect(mlx).toMatchObject({ step: 20, loss: 1.234, tokensPerSecond: 850.5, learningRate: 1e-5 });
    expect(mlx!.memoryBytes).toBeCloseTo(3.2 * 1024 ** 3);
    expect(parseForeignLine('mlx-lm', 'Iter 20: Val loss 1.5, Val took 2.0s')).toMatchObject({ step: 20, valLoss: 1.5 });
    expect(parseForeignLine('mlx-lm', 'Loading pretrained model')).toBeUndefined();
    expect(parseForeignLine('hf-log', "{'loss': 0.8123, 'grad_norm': 1.2, 'learning_rate': 0.0002, 'epoch': 0.5}")).toMatchObject({
      loss: 0.8123,
      epoch: 0.5,
    });
    expect(parseForeignLine('hf-log', 'Saving model checkpoint')).toBeUndefined();
  });

  it("reads a LLaMA-Factory 0.9.5 run's stdout: one step per training dict, evals at the last step, the summary's throughput", () => {
    // Lines as LLaMA-Factory 0.9.5 (transformers 5.6) printed them in a real CPU run.
    const stdout = [
      '{"name": "add", "description": "Add two numbers", "parameters": {"type": "object"}}',
      "{'loss': '5.915', 'grad_norm': '0.5677', 'learning_rate': '0', 'epoch': '0.25', 'num_input_tokens_seen': 953, 'train_runtime': '0.1016', 'train_tokens_per_second': '9379'}",
      "{'loss': '5.911', 'grad_norm': '0.5314', 'learning_rate': '0.01', 'epoch': '0.5', 'num_input_tokens_seen': 1895, 'train_runtime': '0.1807', 'train_tokens_per_second': '1.049e+04'}",
      "{'eval_loss': '5.808', 'eval_runtime': '0.0212', 'eval_samples_per_second': '94.18', 'eval_steps_per_second': '47.09', 'epoch': '0.5', 'num_input_tokens_seen': 1895}",
      "{'loss': '5.795', 'grad_norm': '0.6506', 'learning_rate': '0.02', 'epoch': '0.75', 'num_input_tokens_seen': 2836, 'train_runtime': '0.2808', 'train_tokens_per_second': '1.01e+04'}",
      '***** train metrics *****',
      "{'train_runtime': '0.5555', 'train_samples_per_second': '43.2', 'train_steps_per_second': '10.8', 'train_loss': '5.778', 'epoch': '1.5', 'num_input_tokens_seen': 5216}",
    ];
    const read = foreignLineReader('hf-log', { totalSteps: 6 });
    const points = stdout.map(read);
    expect(points[0]).toBeUndefined();
    expect(points[5]).toBeUndefined();
    expect(points[1]).toMatchObject({ step: 1, totalSteps: 6, epoch: 0.25, loss: 5.915, learningRate: 0, tokensPerSecond: 9379 });
    expect(points[2]).toMatchObject({ step: 2, loss: 5.911, tokensPerSecond: 10490, elapsedSeconds: 0.1807 });
    expect(points[3]).toMatchObject({ step: 2, valLoss: 5.808 });
    expect(points[3]!.loss).toBeUndefined();
    expect(points[4]).toMatchObject({ step: 3, loss: 5.795 });
    expect(points[6]).toMatchObject({ step: 3, elapsedSeconds: 0.5555 });
    expect(points[6]!.tokensPerSecond).toBeCloseTo(5216 / 0.5555);
    expect(points[6]!.loss).toBeUndefined();
  });

  it('cuts a rendered text into sharegpt turns at its learn spans, and writes YAML numbers LLaMA-Factory reads as numbers', () => {
    const text = '<s><user>hi\n<assistant>[a()]</s>\n<result>1\n<assistant>ok</s>\n';
    const a = text.indexOf('[a()]');
    const b = text.indexOf('ok</s>');
    expect(
      spansToTurns({
        text,
        spans: [
          [b, b + 6],
          [a, a + 9],
        ],
      }),
    ).toEqual({
      messages: [
        { role: 'user', content: '<s><user>hi\n<assistant>' },
        { role: 'assistant', content: '[a()]</s>' },
        { role: 'user', content: '\n<result>1\n<assistant>' },
        { role: 'assistant', content: 'ok</s>' },
      ],
    });
    // Adjacent spans are one assistant turn; no span, no turns.
    expect(
      spansToTurns({
        text: 'xab',
        spans: [
          [1, 2],
          [2, 3],
        ],
      })!.messages,
    ).toEqual([
      { role: 'user', content: 'x' },
      { role: 'assistant', content: 'ab' },
    ]);
    expect(spansToTurns({ text: 'x', spans: [] })).toBeUndefined();
    expect(toYaml({ lr: 1e-7, n: 30, s: 'a "b"', k: { r: 0.1 } })).toBe('{"lr": 1.0e-7, "n": 30, "s": "a \\"b\\"", "k": {"r": 0.1}}');
  });

  it('fills preset placeholders, and refuses ones with no value', () => {
    const argv = fillPlaceholders(COMMAND_PRESETS['mlx-lm']!.command, { ...config, hf_model: '/hf/qwen' }, '/m/.w/config.json');
    expect(argv).toContain('/hf/qwen');
    expect(argv[argv.indexOf('--data') + 1]).toBe('/m/.w/chat');
    expect(argv[argv.indexOf('--iters') + 1]).toBe('5'); // ceil(2 epochs × 10 examples / batch 4)
    expect(() => fillPlaceholders(COMMAND_PRESETS['mlx-lm']!.command, config, '/c.json')).toThrow(/\{hf_model\} has no value.*hfModel/);
    expect(() => fillPlaceholders(['x', '{nope}'], config, '/c.json')).toThrow(/\{nope\} is unknown/);
  });

  it('warms up, then decays to the floor', () => {
    const h = config.hyper;
    expect(learningRateAt(0, 100, h)).toBeCloseTo(5e-5);
    expect(learningRateAt(1, 100, h)).toBeCloseTo(1e-4);
    expect(learningRateAt(100, 100, h)).toBeCloseTo(1e-5);
    expect(learningRateAt(51, 100, h)).toBeLessThan(1e-4);
  });

  it('splits deterministically and keeps at least one training example', () => {
    const xs = Array.from({ length: 20 }, (_, i) => i);
    const a = splitExamples(xs, 0.25, 3);
    expect(a.validation).toHaveLength(5);
    expect([...a.train, ...a.validation].sort((x, y) => x - y)).toEqual(xs);
    expect(splitExamples(xs, 0.25, 3)).toEqual(a);
    expect(splitExamples([1], 0.5, 1)).toEqual({ train: [1], validation: [] });
  });

  it('packs examples into full windows whose labels are the next tokens', () => {
    const windows = packWindows(
      [
        [1, 2, 3],
        [4, 5],
      ],
      4,
    );
    expect(windows).toHaveLength(2);
    expect([...windows[0]!.input]).toEqual([1, 2, 3, 4]);
    expect([...windows[0]!.labels]).toEqual([2, 3, 4, 5]);
    expect([...windows[1]!.input]).toEqual([5, 1, 2, 3]); // wraps around: no padding
  });

  it('maps HF LoRA modules to llama.cpp tensors and permutes q/k rows like convert_hf_to_gguf', () => {
    expect(ggufNameFor('base_model.model.model.layers.3.self_attn.q_proj')).toBe('blk.3.attn_q.weight');
    expect(ggufNameFor('model.layers.0.mlp.down_proj')).toBe('blk.0.ffn_down.weight');
    expect(ggufNameFor('base_model.model.lm_head')).toBe('output.weight');
    expect(ggufNameFor('model.layers.0.self_attn.rotary_emb')).toBeUndefined();
    // 1 head, 4 rows, 1 column: rows (a0 a1 | b0 b1) → (a0 b0 a1 b1).
    expect([...permuteRows(Float32Array.from([0, 1, 2, 3]), 4, 1, 1)]).toEqual([0, 2, 1, 3]);
  });
});
