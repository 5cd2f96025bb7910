"""PyTorch side of bench/engine-step.ts (not a test).

Reads commands on stdin, one per line, answers one JSON line each:
  {"cmd": "setup", "dir": MODEL_DIR, "ids": [[...]], "mask": [[...]], "labels": [...], "classes": n,
   "threads": optional torch thread count}
  {"cmd": "steps", "n": K}  -> {"ms": [per-step wall ms], "cpu_ms": [per-step CPU ms, all threads]}   forward + backward + Adam step, full fine-tuning
  {"cmd": "peak"}           -> {"gflops": numpy float32 matmul peak on this machine}
Dropout is off (eval mode) on both sides so the work is identical; torch uses its default threads.
"""
import json
import sys
import time

import numpy as np
import torch
from transformers import AutoModel

state = {}


def setup(req):
    if req.get("threads"):
        torch.set_num_threads(req["threads"])
    model = AutoModel.from_pretrained(req["dir"], attn_implementation="eager")
    model.eval()
    head = torch.nn.Linear(model.config.hidden_size, req["classes"])
    params = list(model.parameters()) + list(head.parameters())
    state.update(
        model=model,
        head=head,
        opt=torch.optim.Adam(params, lr=1e-5, betas=(0.9, 0.999), eps=1e-8),
        ids=torch.tensor(req["ids"]),
        mask=torch.tensor(req["mask"]),
        labels=torch.tensor(req["labels"]),
    )
    return {"threads": torch.get_num_threads(), "torch": torch.__version__}


def step():
    s = state
    s["opt"].zero_grad()
    out = s["model"](input_ids=s["ids"], attention_mask=s["mask"], token_type_ids=torch.zeros_like(s["ids"]))
    loss = torch.nn.functional.cross_entropy(s["head"](out.pooler_output), s["labels"])
    loss.backward()
    s["opt"].step()
    return loss.item()


def steps(n):
    ms = []
    cpu_ms = []
    for _ in range(n):
        t0 = time.perf_counter()
        c0 = time.process_time()
        step()
        cpu_ms.append((time.process_time() - c0) * 1000)
        ms.append((time.perf_counter() - t0) * 1000)
    return {"ms": ms, "cpu_ms": cpu_ms}


def peak():
    a = np.random.rand(2048, 2048).astype(np.float32)
    b = np.random.rand(2048, 2048).astype(np.float32)
    a @ b
    best = 0.0
    for _ in range(5):
        t0 = time.perf_counter()
        a @ b
        best = max(best, 2 * 2048**3 / (time.perf_counter() - t0) / 1e9)
    return {"gflops": best}


for line in sys.stdin:
    req = json.loads(line)
    cmd = req["cmd"]
    res = setup(req) if cmd == "setup" else steps(req["n"]) if cmd == "steps" else peak()
    sys.stdout.write(json.dumps(res) + "\n")
    sys.stdout.flush()
