import path from 'node:path';
import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';
import { readGguf } from '../../src/main/engine/lib/gguf/read';
import { chatTemplateFromMetadata, renderChat, type ChatTemplate } from '../../src/main/engine/inference/chat-render';
import { createStarterModel } from '../../src/main/engine/models/starter';
import { renderExamples } from '../../src/main/engine/train/examples';
import { seedConversations, type SeedConversation } from '../../src/main/engine/train/seed-corpus';
import type { TrainExample } from '../../src/shared/contract/train';

/** A small starter model (llama architecture, F32, char-level vocab, chat template with tools). */
export async function makeStarter(dir: string, name = 'starter.gguf'): Promise<{ file: string; template: ChatTemplate }> {
  const file = path.join(dir, name);
  await createStarterModel(file, { embedding: 64, layers: 2, heads: 4, feedForward: 128, contextLength: 512, seed: 3 });
  const template = chatTemplateFromMetadata((await readGguf(file)).metadata);
  return { file, template };
}

export function seedExamples(
  template: ChatTemplate,
  count: number,
): { examples: TrainExample[]; conversations: SeedConversation[]; templateHash: string } {
  const conversations = seedConversations(count, 7, 1);
  const { examples, templateHash } = renderExamples(template, conversations);
  return { examples, conversations, templateHash };
}

let llama: Promise<Llama> | undefined;
export function testLlama(): Promise<Llama> {
  llama ??= getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false, skipDownload: true });
  return llama;
}

/**
 * Sum of log-probabilities of `target` following the rendered prompt of `conversation`, as node-llama-cpp
 * computes them with the given model (and LoRA adapter).
 */
export async function targetLogProb(
  modelFile: string,
  template: ChatTemplate,
  conversation: SeedConversation,
  lora?: string,
): Promise<number> {
  const l = await testLlama();
  const model = await l.loadModel({ modelPath: modelFile, gpuLayers: 0 });
  try {
    const context = await model.createContext({
      contextSize: 512,
      threads: 2,
      ...(lora ? { lora: { adapters: [{ filePath: lora, scale: 1 }] } } : {}),
    });
    try {
      const prompt = renderChat(template, {
        messages: conversation.messages.slice(0, -1),
        tools: conversation.tools,
        addGenerationPrompt: true,
      });
      let promptTokens = model.tokenize(prompt, true);
      if (promptTokens.length > 1 && promptTokens[0] === promptTokens[1]) promptTokens = promptTokens.slice(1);
      const targetTokens = model.tokenize(conversation.target, false);
      const all = [...promptTokens, ...targetTokens];
      const input = all.map((t, i) =>
        i >= promptTokens.length - 1 && i < all.length - 1 ? ([t, { generateNext: { probabilities: true } }] as const) : t,
      );
      const out = await context.getSequence().controlledEvaluate(input as never);
      let sum = 0;
      for (let i = promptTokens.length - 1; i < all.length - 1; i++) {
        const p = out[i]?.next?.probabilities?.get(all[i + 1]!) ?? 0;
        sum += Math.log(Math.max(p, 1e-30));
      }
      return sum;
    } finally {
      await context.dispose();
    }
  } finally {
    await model.dispose();
  }
}

/** Summed negative log-likelihood of the masked tokens of a row, as llama.cpp computes it (with an optional LoRA). */
export async function maskedNll(modelFile: string, ids: number[], mask: boolean[], lora?: string): Promise<number> {
  const l = await testLlama();
  const model = await l.loadModel({ modelPath: modelFile, gpuLayers: 0 });
  try {
    const context = await model.createContext({
      contextSize: 512,
      threads: 1,
      ...(lora ? { lora: { adapters: [{ filePath: lora, scale: 1 }] } } : {}),
    });
    try {
      const input = ids.map((t, i) => (i + 1 < ids.length && mask[i + 1] ? ([t, { generateNext: { probabilities: true } }] as const) : t));
      const out = await context.getSequence().controlledEvaluate(input as never);
      let nll = 0;
      for (let i = 0; i + 1 < ids.length; i++) {
        if (!mask[i + 1]) continue;
        nll -= Math.log(Math.max(out[i]?.next?.probabilities?.get(ids[i + 1]! as never) ?? 0, 1e-30));
      }
      return nll;
    } finally {
      await context.dispose();
    }
  } finally {
    await model.dispose();
  }
}
