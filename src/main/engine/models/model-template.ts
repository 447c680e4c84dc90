import { isCallFormat, type CallFormat } from '../inference/call-formats';
import type { ModelRecord } from './registry';

/**
 * What the registry adds to a model's chat template: its call-format override (`metadata.callFormat`;
 * without one the format its template teaches is used), and the special tokens `models.prompt` marks.
 */

/** The model's call-format override, if any. */
export function callFormatOverride(model: Pick<ModelRecord, 'metadata'>): CallFormat | null {
  const v = model.metadata.callFormat;
  return isCallFormat(v) ? v : null;
}

/** The texts of the vocabulary's control and user-defined tokens (`<|im_start|>`, `<tool_call>`, …). */
export function specialTokenTexts(metadata: Record<string, unknown>): string[] {
  const tokens = metadata['tokenizer.ggml.tokens'];
  const types = metadata['tokenizer.ggml.token_type'];
  if (!Array.isArray(tokens) || !Array.isArray(types)) return [];
  const out = new Set<string>();
  types.forEach((t, i) => {
    // llama.cpp's token types: 3 control, 4 user-defined.
    const text = tokens[i];
    if ((t === 3 || t === 4) && typeof text === 'string' && text.length > 1 && !/^\s+$/.test(text)) out.add(text);
  });
  return [...out].sort((a, b) => b.length - a.length);
}

/** Cuts a text at its special tokens (longest match first), so a viewer can mark them. */
export function splitSpecial(text: string, specials: readonly string[]): { text: string; special: boolean }[] {
  const segments: { text: string; special: boolean }[] = [];
  let plain = '';
  const first = new Map<string, string[]>();
  for (const s of specials) first.set(s[0]!, [...(first.get(s[0]!) ?? []), s]);
  for (let i = 0; i < text.length;) {
    const hit = first.get(text[i]!)?.find((s) => text.startsWith(s, i));
    if (hit) {
      if (plain) segments.push({ text: plain, special: false });
      plain = '';
      segments.push({ text: hit, special: true });
      i += hit.length;
    } else plain += text[i++];
  }
  if (plain) segments.push({ text: plain, special: false });
  return segments;
}
