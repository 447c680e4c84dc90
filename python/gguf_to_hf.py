"""Writes an HF model folder (config, safetensors, tokenizer) whose weights and vocabulary are a GGUF's, for
trainers that only load HF folders (LLaMA-Factory, MLX-LM, Unsloth): a LoRA trained on the folder then
applies to the GGUF itself. transformers reads the GGUF (q/k rows un-permuted, tokenizer rebuilt from the
GGUF vocabulary); this script only sets the special tokens from the GGUF's own ids, which transformers'
GGUF tokenizer converter can get wrong (it gave the starter model's EOS as "<s>").

    python gguf_to_hf.py MODEL.gguf OUT_DIR
"""

import os
import sys


def main():
    if len(sys.argv) != 3:
        print("usage: gguf_to_hf.py MODEL.gguf OUT_DIR", file=sys.stderr)
        sys.exit(2)
    src, out_dir = os.path.abspath(sys.argv[1]), sys.argv[2]
    import torch
    from gguf import GGUFReader
    from transformers import AutoModelForCausalLM, AutoTokenizer

    fields = GGUFReader(src).fields
    tokens = fields["tokenizer.ggml.tokens"].contents()

    def special(key):
        f = fields.get(f"tokenizer.ggml.{key}_token_id")
        return tokens[int(f.contents())] if f is not None else None

    folder, name = os.path.dirname(src), os.path.basename(src)
    tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    fix = {k: v for k, v in (("bos_token", special("bos")), ("eos_token", special("eos")), ("unk_token", special("unknown"))) if v}
    tok.add_special_tokens(fix)
    if len(tok) != len(tokens):
        print(f"{src}: the tokenizer has {len(tok)} tokens, the GGUF {len(tokens)}", file=sys.stderr)
        sys.exit(1)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    model.config.bos_token_id, model.config.eos_token_id = tok.bos_token_id, tok.eos_token_id
    model.generation_config.bos_token_id, model.generation_config.eos_token_id = tok.bos_token_id, tok.eos_token_id
    model.save_pretrained(out_dir)
    tok.save_pretrained(out_dir)
    print(out_dir)


if __name__ == "__main__":
    main()
