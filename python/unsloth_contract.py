#!/usr/bin/env python3
"""Unsloth behind Toolsmith's trainer contract (docs/trainer-contract.md): the `unsloth` command preset.

Unsloth has no command line of its own, so this small wrapper reads the contract config, tokenizes the
rendered examples with the HF tokenizer (offsets map the learn spans to tokens), trains LoRA with the loss on
the spans only, prints contract events and saves a PEFT adapter in <work_dir>/adapter, which Toolsmith
converts to a GGUF LoRA adapter. Needs `pip install unsloth` and a CUDA GPU. Not run by the test suite.
"""
import argparse
import json
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from trainer import EXIT_BAD_INPUT, EXIT_MISSING_ENV, EXIT_OK, emit, fail, lr_at, masked_stats, batches  # noqa: E402

try:
    from unsloth import FastLanguageModel
except ImportError:
    fail("unsloth is not installed in this Python", EXIT_MISSING_ENV, "pip install unsloth (needs a CUDA GPU)")
import torch  # noqa: E402


def load_rows(path, tokenizer, max_len):
    rows = []
    with open(path) as f:
        for i, line in enumerate(f, 1):
            if not line.strip():
                continue
            ex = json.loads(line)
            enc = tokenizer(ex["text"], return_offsets_mapping=True, add_special_tokens=False)
            mask = [any(s <= a < e for s, e in ex["spans"]) for a, _ in enc["offset_mapping"]]
            if len(enc["input_ids"]) > max_len:
                fail(f"{path}:{i}: {len(enc['input_ids'])} tokens, longer than the context ({max_len})", EXIT_BAD_INPUT,
                     "raise hyper.contextLength or shorten the example")
            rows.append((enc["input_ids"], mask))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    c = json.load(open(ap.parse_args().config))
    h, lora = c["hyper"], c.get("lora") or {}
    if not c.get("hf_model"):
        fail("the unsloth preset needs an HF model folder or hub id", EXIT_BAD_INPUT, "set spec.python.hfModel")
    model, tok = FastLanguageModel.from_pretrained(c["hf_model"], max_seq_length=h["context_length"], load_in_4bit=True)
    model = FastLanguageModel.get_peft_model(model, r=lora.get("rank", 8), lora_alpha=lora.get("alpha", 16),
                                             lora_dropout=lora.get("dropout", 0), target_modules=lora.get("target_modules"))
    rows = load_rows(c["dataset"]["train"], tok, h["context_length"])
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=h["learning_rate"], weight_decay=h["weight_decay"])
    total = math.ceil(h["epochs"] * math.ceil(len(rows) / h["batch_size"]))
    if h.get("max_steps"):
        total = min(total, h["max_steps"])
    emit({"event": "start", "total_steps": total, "info": {"trainer": "unsloth"}})
    step, started, tokens = 0, time.time(), 0
    while step < total:
        for ids, labels, attn in batches(rows, h["batch_size"], torch.randperm(len(rows)).tolist()):
            if step >= total:
                break
            for g in opt.param_groups:
                g["lr"] = lr_at(step, total, h)
            loss_sum, n, correct = masked_stats(model, ids.cuda(), labels.cuda(), attn.cuda())
            loss = loss_sum / max(1, n)
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            tokens += int(attn.sum())
            el = time.time() - started
            emit({"event": "progress", "step": step, "total_steps": total, "epoch": step / max(1, total) * h["epochs"], "loss": float(loss),
                  "accuracy": correct / max(1, n), "tokens_per_second": tokens / el, "eta_seconds": (total - step) * el / step,
                  "memory_bytes": int(torch.cuda.max_memory_allocated())})
    out = os.path.join(c["work_dir"], "adapter")
    model.save_pretrained(out)
    emit({"event": "done", "output": out, "kind": "adapter", "metrics": {"steps": step, "tokens": tokens, "seconds": time.time() - started}})
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
