#!/usr/bin/env python3
"""Toolsmith's python trainer: LoRA (or full fine-tuning of small models) with the loss on the assistant spans only.

Speaks the trainer contract (docs/trainer-contract.md): reads the config JSON, prints JSON-lines events on
stdout, logs on stderr. The TypeScript side tokenizes every example with the model's own (llama.cpp)
tokenizer and passes token ids plus a learn mask, so the sidecar needs no tokenizer and the template stays
owned by the app. The base is read from the same GGUF (via the `gguf` package) or from an HF folder.
Writes a PEFT adapter into <work_dir>/adapter (the app converts it to a GGUF LoRA adapter), or with
output_kind "model" every weight into <work_dir>/full (the app writes a full GGUF).

  trainer.py --check                      device report (JSON)
  trainer.py --config C --tokens T [--tokens-val V]
  trainer.py --config C --tokens T --eval-loss   masked loss of the base on T, no training
"""
import argparse
import contextlib
import json
import math
import os
import sys
import time

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_MISSING_ENV = 0, 1, 2, 3


def emit(event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def fail(message, code, fix=None):
    ev = {"event": "error", "message": message}
    if fix:
        ev["fix"] = fix
    emit(ev)
    sys.exit(code)


try:
    import numpy as np
    import torch
except ImportError as e:  # the environment is not set up
    fail(f"python trainer: missing package ({e.name}).", EXIT_MISSING_ENV, "run `toolsmith trainer setup`")


def pick_device(wanted):
    if wanted in ("auto", "cuda") and torch.cuda.is_available():
        return "cuda"
    if wanted in ("auto", "mps") and getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return "mps"
    if wanted not in ("auto", "cpu"):
        fail(f"device {wanted} is not available here", EXIT_MISSING_ENV, "use device auto or cpu")
    return "cpu"


# ---- loading the base from GGUF -------------------------------------------------------------------

GGUF_TO_HF = {
    "token_embd.weight": "model.embed_tokens.weight",
    "output_norm.weight": "model.norm.weight",
    "output.weight": "lm_head.weight",
}
BLOCK_TO_HF = {
    "attn_norm": "input_layernorm",
    "attn_q": "self_attn.q_proj",
    "attn_k": "self_attn.k_proj",
    "attn_v": "self_attn.v_proj",
    "attn_output": "self_attn.o_proj",
    "ffn_norm": "post_attention_layernorm",
    "ffn_gate": "mlp.gate_proj",
    "ffn_up": "mlp.up_proj",
    "ffn_down": "mlp.down_proj",
}


def unpermute(w, n_head):
    # Inverse of convert_hf_to_gguf.py's permute() for llama-style rope (llama, mistral).
    return w.reshape(n_head, w.shape[0] // n_head // 2, 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def load_gguf_model(path):
    from gguf import GGUFReader
    from gguf.quants import dequantize

    reader = GGUFReader(path)

    def meta(key, default=None):
        f = reader.fields.get(key)
        if f is None:
            return default
        v = f.contents()
        return v

    arch = meta("general.architecture")
    if arch not in ("llama", "qwen2", "mistral"):
        fail(f"{path}: architecture {arch!r} is not supported by the python trainer's GGUF loader (llama, qwen2, mistral)",
             EXIT_BAD_INPUT, "pass an HF model folder (spec.python.hfModel)")
    n_head = int(meta(f"{arch}.attention.head_count"))
    n_head_kv = int(meta(f"{arch}.attention.head_count_kv", n_head))
    n_embd = int(meta(f"{arch}.embedding_length"))
    tensors = {}
    for t in reader.tensors:
        data = t.data
        if t.tensor_type not in (0, 1):  # quantized: dequantize to F32
            data = dequantize(data, t.tensor_type)
        arr = np.asarray(data, dtype=np.float32)
        want = tuple(int(x) for x in reversed(t.shape.tolist()))
        if arr.shape != want:
            arr = arr.reshape(want)
        tensors[t.name] = arr
    n_vocab = tensors["token_embd.weight"].shape[0]
    head_dim = int(meta(f"{arch}.attention.key_length", n_embd // n_head))
    common = dict(
        vocab_size=n_vocab,
        hidden_size=n_embd,
        intermediate_size=int(meta(f"{arch}.feed_forward_length")),
        num_hidden_layers=int(meta(f"{arch}.block_count")),
        num_attention_heads=n_head,
        num_key_value_heads=n_head_kv,
        rms_norm_eps=float(meta(f"{arch}.attention.layer_norm_rms_epsilon", 1e-5)),
        rope_theta=float(meta(f"{arch}.rope.freq_base", 10000.0)),
        max_position_embeddings=int(meta(f"{arch}.context_length", 2048)),
        tie_word_embeddings="output.weight" not in tensors,
        bos_token_id=meta("tokenizer.ggml.bos_token_id"),
        eos_token_id=meta("tokenizer.ggml.eos_token_id"),
        pad_token_id=None,
    )
    if arch == "qwen2":
        from transformers import Qwen2Config, Qwen2ForCausalLM
        config, cls = Qwen2Config(**common), Qwen2ForCausalLM
    elif arch == "mistral":
        from transformers import MistralConfig, MistralForCausalLM
        config, cls = MistralConfig(**common, head_dim=head_dim), MistralForCausalLM
    else:
        from transformers import LlamaConfig, LlamaForCausalLM
        config, cls = LlamaConfig(**common, head_dim=head_dim), LlamaForCausalLM
    state = {}
    for name, arr in tensors.items():
        if name in GGUF_TO_HF:
            state[GGUF_TO_HF[name]] = arr
            continue
        parts = name.split(".")  # blk.N.kind.weight|bias
        if parts[0] != "blk" or parts[2] not in BLOCK_TO_HF:
            emit({"event": "log", "level": "warn", "message": f"ignoring GGUF tensor {name}"})
            continue
        kind = parts[2]
        if arch in ("llama", "mistral") and kind in ("attn_q", "attn_k") and parts[3] == "weight":
            arr = unpermute(arr, n_head if kind == "attn_q" else n_head_kv)
        state[f"model.layers.{parts[1]}.{BLOCK_TO_HF[kind]}.{parts[3]}"] = arr
    model = cls(config)
    # from_numpy shares the dequantized arrays (load_state_dict copies them in): one F32 copy fewer at the
    # peak. F32 tensors read straight from the file are read-only memory maps: those are copied.
    shared = {k: torch.from_numpy(a) if a.flags.writeable else torch.tensor(a) for k, a in ((k, np.ascontiguousarray(v)) for k, v in state.items())}
    missing, unexpected = model.load_state_dict(shared, strict=False)
    del shared
    missing = [m for m in missing if not (config.tie_word_embeddings and m == "lm_head.weight") and "rotary_emb" not in m]
    if missing or unexpected:
        fail(f"{path}: GGUF tensors do not match the {arch} model (missing {missing[:5]}, unexpected {unexpected[:5]})", EXIT_BAD_INPUT)
    if config.tie_word_embeddings:
        model.tie_weights()
    return model, arch


def permute(w, n_head):
    # convert_hf_to_gguf.py's permute(): HF's rotary layout back to llama.cpp's.
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def save_gguf_named(model, arch, out_dir):
    """Writes every weight, named as in the GGUF, to <out_dir>/model.safetensors (F32); the app copies the
    base GGUF's metadata and swaps these tensors in, so the chat template and vocabulary stay the base's."""
    from safetensors.numpy import save_file
    hf_to_gguf = {v: k for k, v in GGUF_TO_HF.items()}
    block = {v: k for k, v in BLOCK_TO_HF.items()}
    cfg = model.config
    out = {}
    for name, t in model.state_dict().items():
        arr = t.detach().float().cpu().numpy()
        if name in hf_to_gguf:
            out[hf_to_gguf[name]] = arr
            continue
        parts = name.split(".")  # model.layers.N.<module>.<proj>.weight|bias
        if parts[:2] != ["model", "layers"]:
            continue  # rotary buffers, tied lm_head
        module = ".".join(parts[3:-1])
        if module not in block:
            continue
        kind = block[module]
        if arch in ("llama", "mistral") and kind in ("attn_q", "attn_k") and parts[-1] == "weight":
            arr = permute(arr, cfg.num_attention_heads if kind == "attn_q" else cfg.num_key_value_heads)
        out[f"blk.{parts[2]}.{kind}.{parts[-1]}"] = arr
    if getattr(cfg, "tie_word_embeddings", False):
        out.pop("output.weight", None)
    os.makedirs(out_dir, exist_ok=True)
    save_file({k: np.ascontiguousarray(v) for k, v in out.items()}, os.path.join(out_dir, "model.safetensors"))


def load_base(config):
    if config.get("hf_model"):
        from transformers import AutoModelForCausalLM
        return AutoModelForCausalLM.from_pretrained(config["hf_model"], torch_dtype=torch.float32), "hf"
    return load_gguf_model(config["base_model"])


# ---- data -----------------------------------------------------------------------------------------

def read_tokens(path):
    rows = []
    with open(path) as f:
        for i, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                ids, mask = row["ids"], row["mask"]
            except (ValueError, KeyError) as e:
                fail(f"{path}:{i}: expected {{\"ids\": [...], \"mask\": [...]}} ({e})", EXIT_BAD_INPUT)
            if len(ids) != len(mask):
                fail(f"{path}:{i}: ids and mask differ in length", EXIT_BAD_INPUT)
            rows.append((ids, mask))
    return rows


def batches(rows, batch_size, order, pack=False):
    """Yields (ids, labels, attention_mask, position_ids, real_tokens) per batch, in order.

    Padded: one row per example, padded to the longest. Packed: the batch's examples end to end in one row,
    positions restarting at each example and no attention mask, so that transformers builds a block-diagonal
    causal mask (each example attends only to itself): the same loss on the same examples, no padding."""
    for i in range(0, len(order), batch_size):
        chunk = [rows[j] for j in order[i:i + batch_size]]
        if pack and len(chunk) > 1:
            ids = torch.tensor([t for x, _ in chunk for t in x], dtype=torch.long).unsqueeze(0)
            # An example's first token is never a target: nothing of its own example comes before it.
            labels = torch.tensor([t if k and p > 0 else -100 for x, m in chunk for p, (t, k) in enumerate(zip(x, m))],
                                  dtype=torch.long).unsqueeze(0)
            pos = torch.tensor([p for x, _ in chunk for p in range(len(x))], dtype=torch.long).unsqueeze(0)
            yield ids, labels, None, pos, ids.shape[1]
            continue
        n = max(len(ids) for ids, _ in chunk)
        ids = torch.zeros((len(chunk), n), dtype=torch.long)
        labels = torch.full((len(chunk), n), -100, dtype=torch.long)
        attn = torch.zeros((len(chunk), n), dtype=torch.long)
        for r, (x, m) in enumerate(chunk):
            ids[r, :len(x)] = torch.tensor(x)
            attn[r, :len(x)] = 1
            # Loss only where the token is inside a learn span (the prompt and template text are context).
            labels[r, :len(x)] = torch.tensor([t if k else -100 for t, k in zip(x, m)])
        yield ids, labels, attn, None, sum(len(x) for x, _ in chunk)


# Causal LMs whose logits are exactly lm_head(decoder(x)): the output head then runs on the learn positions only.
HEAD_ON_TARGETS = ("llama", "mistral", "qwen2", "qwen3")


def split_head(model):
    """(decoder, lm_head) of a plain llama-style causal LM (under PEFT or not), else None."""
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    if getattr(base.config, "model_type", None) not in HEAD_ON_TARGETS:
        return None
    decoder, head = getattr(base, "model", None), getattr(base, "lm_head", None)
    return (decoder, head) if decoder is not None and head is not None else None


def masked_stats(model, ids, labels, attn, pos=None):
    """Summed masked NLL, target count and correct argmaxes. The vocabulary projection (49k columns for
    SmolLM2) and its softmax run only on the positions that predict a learn token, a few percent of a
    tool-use example, instead of on every position; use_cache=False: no KV cache is built while training."""
    target = labels[:, 1:]
    valid = target != -100
    parts = split_head(model)
    if parts:
        decoder, head = parts
        hidden = decoder(input_ids=ids, attention_mask=attn, position_ids=pos, use_cache=False).last_hidden_state
        logits = head(hidden[:, :-1][valid]).float()
    else:
        logits = model(input_ids=ids, attention_mask=attn, position_ids=pos, use_cache=False).logits[:, :-1][valid].float()
    t = target[valid]
    loss = torch.nn.functional.cross_entropy(logits, t, reduction="sum")
    correct = (logits.argmax(-1) == t).sum()
    return loss, int(t.numel()), int(correct)


def lr_at(step, total, h):
    peak = h["learning_rate"]
    if h["warmup_steps"] > 0 and step < h["warmup_steps"]:
        return peak * (step + 1) / h["warmup_steps"]
    if h["schedule"] == "constant":
        return peak
    floor = peak * h["min_learning_rate_ratio"]
    t = min(1.0, max(0.0, (step - h["warmup_steps"]) / max(1, total - h["warmup_steps"])))
    if h["schedule"] == "linear":
        return floor + (peak - floor) * (1 - t)
    return floor + (peak - floor) * (1 + math.cos(math.pi * t)) / 2


def memory_bytes(device):
    if device == "cuda":
        return int(torch.cuda.max_memory_allocated())
    try:
        import resource
        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * (1 if sys.platform == "darwin" else 1024)
    except Exception:
        return 0


def use_bf16(device):
    """Whether the forward runs under bf16 autocast (the weights, the LoRA and the optimizer stay F32): on
    CUDA with bf16 support (tensor cores), and on CPUs with AMX tiles, where oneDNN's bf16 matmuls are about
    twice F32's. TOOLSMITH_TRAINER_BF16=0 or 1 forces it off or on (1 only where the device can)."""
    forced = os.environ.get("TOOLSMITH_TRAINER_BF16")
    if forced == "0":
        return False
    if device == "cuda":
        return torch.cuda.is_bf16_supported()
    if device == "cpu":
        try:
            amx = bool(torch.cpu._is_amx_tile_supported())
        except Exception:  # noqa: BLE001 - an older torch without the probe: stay F32
            amx = False
        return amx or (forced == "1" and bool(getattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)()))
    return False


def to(t, device):
    return None if t is None else t.to(device)


def evaluate(model, rows, device, batch_size):
    model.eval()
    total, n, correct = 0.0, 0, 0
    with torch.no_grad():
        for ids, labels, attn, pos, _ in batches(rows, batch_size, list(range(len(rows)))):
            loss, k, c = masked_stats(model, ids.to(device), labels.to(device), to(attn, device), to(pos, device))
            total, n, correct = total + float(loss), n + k, correct + c
    model.train()
    return (total / max(1, n), correct / max(1, n), n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config")
    ap.add_argument("--tokens")
    ap.add_argument("--tokens-val")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--threads", type=int)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--eval-loss", action="store_true")
    args = ap.parse_args()

    if args.check:
        import transformers, peft
        emit({"event": "check", "device": pick_device("auto"), "torch": torch.__version__, "transformers": transformers.__version__,
              "peft": peft.__version__, "cuda": torch.cuda.is_available(), "python": sys.version.split()[0]})
        return EXIT_OK
    if not args.config or not args.tokens:
        fail("usage: trainer.py --config C --tokens T", EXIT_BAD_INPUT)
    with open(args.config) as f:
        config = json.load(f)
    h = config["hyper"]
    torch.manual_seed(h["seed"])
    if args.threads:
        torch.set_num_threads(args.threads)
    device = pick_device(args.device)
    rows = read_tokens(args.tokens)
    val_rows = read_tokens(args.tokens_val) if args.tokens_val else []
    if not rows:
        fail(f"{args.tokens}: the training set is empty", EXIT_BAD_INPUT, "add examples before training")
    too_long = [i for i, (ids, _) in enumerate(rows, 1) if len(ids) > h["context_length"]]
    if too_long:
        fail(f"{args.tokens}:{too_long[0]}: the example is {len(rows[too_long[0]-1][0])} tokens, longer than the context ({h['context_length']} tokens)",
             EXIT_BAD_INPUT, "raise hyper.contextLength or shorten the example")

    model, arch = load_base(config)
    model.to(device)
    if args.eval_loss:
        results = [dict(zip(("loss", "accuracy", "tokens"), evaluate(model, [row], device, 1))) for row in rows]
        emit({"event": "eval", "rows": results})
        return EXIT_OK

    # output_kind "model" = full fine-tuning (every weight trains; for small models), else LoRA.
    full = config.get("output_kind") == "model"
    if full and arch not in ("llama", "mistral", "qwen2"):
        fail("full fine-tuning writes a GGUF and needs a GGUF base (llama, mistral, qwen2)", EXIT_BAD_INPUT, "use LoRA (python.method lora)")
    if not full:
        from peft import LoraConfig, get_peft_model
        lora = config.get("lora") or {}
        peft_config = LoraConfig(r=lora.get("rank", 8), lora_alpha=lora.get("alpha", 16), lora_dropout=lora.get("dropout", 0.0),
                                 target_modules=lora.get("target_modules", ["q_proj", "k_proj", "v_proj", "o_proj"]), bias="none", task_type="CAUSAL_LM")
        if lora.get("init_adapter"):
            # Continue a previous round's adapter: its rank and targets, its weights as the start.
            from peft import PeftModel
            model = PeftModel.from_pretrained(model, lora["init_adapter"], is_trainable=True)
        else:
            model = get_peft_model(model, peft_config)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    if h["optimizer"] == "sgd":
        opt = torch.optim.SGD(params, lr=h["learning_rate"], weight_decay=h["weight_decay"])
    else:
        opt = torch.optim.AdamW(params, lr=h["learning_rate"], weight_decay=h["weight_decay"])
    bs = h["batch_size"]
    # On CUDA the batch is packed (no padding, a block-diagonal mask). Not on CPU: the mask makes attention
    # cost (sum of lengths)^2 there, more than the padding of alike lengths. config "pack" overrides.
    pack = config.get("pack", device == "cuda") and bs > 1
    bf16 = use_bf16(device)
    autocast = (lambda: torch.autocast(device, dtype=torch.bfloat16)) if bf16 else contextlib.nullcontext
    steps_per_epoch = math.ceil(len(rows) / bs)
    total = math.ceil(h["epochs"] * steps_per_epoch)
    if h.get("max_steps"):
        total = min(total, h["max_steps"])
    emit({"event": "start", "total_steps": total, "info": {"trainer": "python", "device": device, "arch": arch,
          "trainable_parameters": sum(p.numel() for p in params), "train_examples": len(rows), "validation_examples": len(val_rows),
          "packed": bool(pack), "autocast": "bf16" if bf16 else None}})
    g = torch.Generator().manual_seed(h["seed"])
    step, tokens, started = 0, 0, time.time()
    first_loss = last_loss = val = None
    epoch = 0
    while step < total:
        order = torch.randperm(len(rows), generator=g).tolist()
        for ids, labels, attn, pos, real in batches(rows, bs, order, pack):
            if step >= total:
                break
            for group in opt.param_groups:
                group["lr"] = lr_at(step, total, h)
            with autocast():
                loss_sum, n, correct = masked_stats(model, ids.to(device), labels.to(device), to(attn, device), to(pos, device))
            loss = loss_sum / max(1, n)
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            tokens += real
            first_loss = float(loss) if first_loss is None else first_loss
            last_loss = float(loss)
            elapsed = time.time() - started
            emit({"event": "progress", "step": step, "total_steps": total, "epoch": epoch + (step - epoch * steps_per_epoch) / steps_per_epoch,
                  "loss": last_loss, "accuracy": correct / max(1, n), "learning_rate": opt.param_groups[0]["lr"],
                  "tokens_per_second": tokens / max(1e-9, elapsed), "eta_seconds": (total - step) * elapsed / step,
                  "memory_bytes": memory_bytes(device), "elapsed_seconds": elapsed})
        epoch += 1
        if val_rows:
            val = evaluate(model, val_rows, device, bs)
            elapsed = time.time() - started
            emit({"event": "progress", "step": step, "total_steps": total, "epoch": epoch, "loss": last_loss, "val_loss": val[0],
                  "val_accuracy": val[1], "tokens_per_second": tokens / max(1e-9, elapsed), "eta_seconds": 0 if step >= total else (total - step) * elapsed / step,
                  "memory_bytes": memory_bytes(device), "elapsed_seconds": elapsed})
    train_seconds = time.time() - started
    if full:
        out_dir = os.path.join(config["work_dir"], "full")
        save_gguf_named(model, arch, out_dir)
    else:
        out_dir = os.path.join(config["work_dir"], "adapter")
        model.save_pretrained(out_dir)
    metrics = {"steps": step, "tokens": tokens, "seconds": train_seconds, "tokens_per_second": tokens / max(1e-9, train_seconds),
               "peak_memory_bytes": memory_bytes(device), "first_loss": first_loss, "final_loss": last_loss}
    if val:
        metrics["val_loss"], metrics["val_accuracy"] = val[0], val[1]
    # Summed masked NLL of the first training row under base + adapter: lets the app check that the GGUF
    # adapter it writes gives llama.cpp the same numbers as torch.
    r0 = evaluate(model, [rows[0]], device, 1)
    metrics["row0_masked_nll"] = r0[0] * r0[2]
    emit({"event": "done", "output": out_dir, "kind": "model" if full else "adapter", "metrics": metrics})
    return EXIT_OK


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001 - report anything as a contract error line
        import traceback
        traceback.print_exc(file=sys.stderr)
        emit({"event": "error", "message": f"python trainer: {type(e).__name__}: {e}"})
        sys.exit(EXIT_FAILED)
