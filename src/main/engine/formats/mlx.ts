import { chatMessages, chatShapeScore, firstArguments, openaiTools, readChatRecord } from './openai';
import { isRecord } from './common';
import type { FormatModule } from './types';

/**
 * MLX-LM's `tools` format: OpenAI chat records in `train.jsonl` / `valid.jsonl` / `test.jsonl`. Arguments are
 * written as objects, the form Hugging Face chat templates (which MLX-LM applies) expect; JSON text is read too.
 */
export const mlxFormat: FormatModule = {
  id: 'mlx',
  label: 'MLX-LM tools (train / valid / test JSONL)',
  writes: 'train.jsonl, valid.jsonl, test.jsonl',
  detect(record) {
    const score = chatShapeScore(record);
    if (score === 0 || !isRecord(record)) return 0;
    return isRecord(firstArguments(record)) ? score : score - 0.2;
  },
  read: readChatRecord,
  write: (sample) => ({ messages: chatMessages(sample, false), tools: openaiTools(sample) }),
};
