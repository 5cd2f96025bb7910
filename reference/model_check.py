"""Reference computations with Hugging Face transformers (PyTorch, CPU) for src/deni/model tests.

Usage: python reference/model_check.py REQUEST.json  -> JSON on stdout.
REQUEST is {"mode": ..., "dir": model folder, ...}:
  tokens:  {"texts": [...], "pairs": [...] | null, "max_length": n}
           -> {"ids": [[...]], "mask": [[...]], "type_ids": [[...]]} via AutoTokenizer (Rust tokenizers)
  forward: {"ids": [[...]], "mask": [[...]], "head": {name: {"shape", "data"}}}
           -> {"last_hidden": flat, "pooled": flat, "logits": flat} (eval mode, no dropout);
           "float64": true runs the reference in double precision
  many:    {"requests": [request, ...]} -> [answer, ...] (one interpreter for all)
  step:    same as forward plus "labels", "optimizer" ("sgd"|"adam"), "lr", "steps"
           plus "out": a path -> {"loss": [...]}; every parameter after the optimiser steps is
           written to "out" as safetensors (F32, names without model prefix, head as classifier.*)
Head tensors (classifier.weight [classes, hidden], classifier.bias, optional pooler) are copied in,
so both sides start from identical weights. Names are HF names without the model prefix.
"""
import json
import sys

import torch
from safetensors.torch import save_file
from transformers import AutoModel, AutoTokenizer

torch.use_deterministic_algorithms(True)
torch.set_num_threads(1)


def load(req):
    dtype = torch.float64 if req.get("float64") else torch.float32
    model = AutoModel.from_pretrained(req["dir"], attn_implementation="eager").to(dtype)
    model.eval()
    num_classes = req["head"]["classifier.weight"]["shape"][0]
    hidden = model.config.hidden_size
    classifier = torch.nn.Linear(hidden, num_classes).to(dtype)
    params = dict(model.named_parameters())
    with torch.no_grad():
        for name, t in req["head"].items():
            value = torch.tensor(t["data"], dtype=dtype).reshape(t["shape"])
            if name.startswith("classifier."):
                getattr(classifier, name.split(".")[1]).copy_(value)
            else:
                params[name].copy_(value)
    return model, classifier


def run(model, classifier, req):
    ids = torch.tensor(req["ids"], dtype=torch.long)
    mask = torch.tensor(req["mask"], dtype=torch.long)
    out = model(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids))
    pooled = out.pooler_output
    return out.last_hidden_state, pooled, classifier(pooled)


def main():
    req = json.load(open(sys.argv[1]))
    if req["mode"] == "many":
        # One interpreter for several requests: importing torch + transformers dominates run time.
        sys.stdout.write("[")
        for i, sub in enumerate(req["requests"]):
            if i:
                sys.stdout.write(",")
            handle(sub)
        sys.stdout.write("]")
        return
    handle(req)


def handle(req):
    mode = req["mode"]
    if mode == "tokens":
        tok = AutoTokenizer.from_pretrained(req["dir"])
        enc = tok(
            req["texts"],
            req.get("pairs"),
            truncation=True,
            padding="max_length",
            max_length=req["max_length"],
            return_token_type_ids=True,
        )
        json.dump({"ids": enc["input_ids"], "mask": enc["attention_mask"], "type_ids": enc["token_type_ids"]}, sys.stdout)
        return
    model, classifier = load(req)
    if mode == "forward":
        with torch.no_grad():
            last, pooled, logits = run(model, classifier, req)
        json.dump(
            {
                "last_hidden": last.flatten().tolist(),
                "pooled": pooled.flatten().tolist(),
                "logits": logits.flatten().tolist(),
            },
            sys.stdout,
        )
        return
    if mode == "step":
        named = [(n, p) for n, p in model.named_parameters()] + [
            ("classifier." + n, p) for n, p in classifier.named_parameters()
        ]
        params = [p for _, p in named]
        if req["optimizer"] == "sgd":
            opt = torch.optim.SGD(params, lr=req["lr"])
        else:
            opt = torch.optim.Adam(params, lr=req["lr"], betas=(0.9, 0.999), eps=1e-8)
        labels = torch.tensor(req["labels"], dtype=torch.long)
        losses = []
        for _ in range(req.get("steps", 1)):
            opt.zero_grad()
            _, _, logits = run(model, classifier, req)
            loss = torch.nn.functional.cross_entropy(logits, labels)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        save_file({n: p.detach().contiguous() for n, p in named}, req["out"])
        json.dump({"loss": losses}, sys.stdout)
        return
    raise SystemExit(f"unknown mode {mode!r}: expected tokens, forward or step")


if __name__ == "__main__":
    main()
