#!/usr/bin/env python3
"""The training bench's baseline: a plain transformers + PEFT LoRA loop, as a user would write it.

It reads the same token file the python trainer gets ({"ids": [...], "mask": [0|1, ...]} per line, in the
trainer's order), loads the base through the trainer's own GGUF loader (so both train the same dequantized
weights), and runs N steps of: pad the batch, labels -100 outside the learn mask, model(..., labels=labels),
backward, AdamW. Tokens/s counts the non-padding tokens over the training loop only, as the trainer does.

  peft_baseline.py --base MODEL.gguf --tokens T.jsonl --steps N --batch B --threads K
                   [--rank 8 --alpha 16 --targets q_proj,k_proj,v_proj,o_proj --lr 2e-4 --seed 42 --device cpu]

Prints one JSON line: {"tokens", "seconds", "tokens_per_second", "peak_rss_bytes", "first_loss", "final_loss", "steps"}.
"""
import argparse
import json
import os
import resource
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--tokens", required=True)
    ap.add_argument("--steps", type=int, required=True)
    ap.add_argument("--batch", type=int, required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--alpha", type=float, default=16)
    ap.add_argument("--targets", default="q_proj,k_proj,v_proj,o_proj")
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--device", default="cpu")
    args = ap.parse_args()

    import torch
    from peft import LoraConfig, get_peft_model

    # The trainer's loader (GGUF -> dequantized F32 -> HF model), so the baseline trains exactly its weights.
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
    from trainer import load_gguf_model

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rows = []
    with open(args.tokens) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                rows.append((r["ids"], r["mask"]))
    model, _ = load_gguf_model(args.base)
    model.to(args.device)
    model = get_peft_model(model, LoraConfig(r=args.rank, lora_alpha=args.alpha, lora_dropout=0.0, target_modules=args.targets.split(","),
                                             bias="none", task_type="CAUSAL_LM"))
    model.train()
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.0)
    # The same batches as the trainer: each epoch a torch.randperm with the seed, cut into batches in order.
    g = torch.Generator().manual_seed(args.seed)
    chunks = []
    while len(chunks) < args.steps:
        order = torch.randperm(len(rows), generator=g).tolist()
        chunks += [order[i:i + args.batch] for i in range(0, len(order), args.batch)]
    tokens, first, last = 0, None, None
    started = time.time()
    for step in range(args.steps):
        chunk = [rows[j] for j in chunks[step]]
        n = max(len(x) for x, _ in chunk)
        ids = torch.zeros((len(chunk), n), dtype=torch.long)
        labels = torch.full((len(chunk), n), -100, dtype=torch.long)
        attn = torch.zeros((len(chunk), n), dtype=torch.long)
        for r, (x, m) in enumerate(chunk):
            ids[r, :len(x)] = torch.tensor(x)
            attn[r, :len(x)] = 1
            labels[r, :len(x)] = torch.tensor([t if k else -100 for t, k in zip(x, m)])
        out = model(input_ids=ids.to(args.device), attention_mask=attn.to(args.device), labels=labels.to(args.device))
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        tokens += int(attn.sum())
        last = float(out.loss)
        first = last if first is None else first
    if args.device == "cuda":
        torch.cuda.synchronize()
    seconds = time.time() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    print(json.dumps({"steps": args.steps, "tokens": tokens, "seconds": seconds, "tokens_per_second": tokens / max(1e-9, seconds),
                      "peak_rss_bytes": rss, "first_loss": first, "final_loss": last}))


if __name__ == "__main__":
    main()
