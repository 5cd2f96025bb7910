"""PyTorch side of bench/gpu/gpu-check.ts (not a test; shipped in the gpu-check bundle).

Reads one JSON command per line on stdin and answers one JSON line each:
  {"cmd": "hello"} -> {"torch": version | null, "why": ..., "device": "cuda" | "cpu", "deviceName": ...,
                       "transformers": version | null}
  {"cmd": "setup", "config": HF config dict | null, "modelDir": "" | DIR, "ids": [[...]], "labels": [...],
   "classes": n} -> {"parameters": n}
  {"cmd": "steps", "n": K} -> {"ms": [per-step wall ms]}  forward + backward + Adam, full fine-tuning
Dropout is off (eval mode) as on our side. Uses transformers' BertModel when installed (its default
attention implementation), else a small built-in BERT with the same tensors and computation.
torch is imported lazily so that a machine without it gets a clear answer instead of a crash.
"""
import json
import math
import sys
import time

state = {}


def hello(_req):
    try:
        import torch
    except Exception as e:  # noqa: BLE001 - any import failure means "no usable torch"
        return {"torch": None, "why": f"import torch failed: {e}"}
    try:
        import transformers

        tv = transformers.__version__
    except Exception:  # noqa: BLE001
        tv = None
    cuda = torch.cuda.is_available()
    return {
        "torch": torch.__version__,
        "device": "cuda" if cuda else "cpu",
        "deviceName": torch.cuda.get_device_name(0) if cuda else "CPU",
        "transformers": tv,
    }


def builtin_bert(cfg):
    """A BERT encoder + pooler in plain torch (used only when transformers is missing)."""
    import torch
    from torch import nn

    h, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    eps = cfg["layer_norm_eps"]

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.q, self.k, self.v, self.o = (nn.Linear(h, h) for _ in range(4))
            self.ln1 = nn.LayerNorm(h, eps=eps)
            self.ffn_in = nn.Linear(h, cfg["intermediate_size"])
            self.ffn_out = nn.Linear(cfg["intermediate_size"], h)
            self.ln2 = nn.LayerNorm(h, eps=eps)

        def forward(self, x, bias):
            b, s, _ = x.shape
            d = h // heads

            def split(t):
                return t.view(b, s, heads, d).transpose(1, 2)

            q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + bias, dim=-1)
            ctx = (att @ v).transpose(1, 2).reshape(b, s, h)
            x = self.ln1(x + self.o(ctx))
            return self.ln2(x + self.ffn_out(nn.functional.gelu(self.ffn_in(x))))

    class Bert(nn.Module):
        def __init__(self):
            super().__init__()
            self.word = nn.Embedding(cfg["vocab_size"], h)
            self.pos = nn.Embedding(cfg["max_position_embeddings"], h)
            self.token_type = nn.Embedding(cfg["type_vocab_size"], h)
            self.ln = nn.LayerNorm(h, eps=eps)
            self.layers = nn.ModuleList(Layer() for _ in range(cfg["num_hidden_layers"]))
            self.pooler = nn.Linear(h, h)

        def forward(self, ids, mask):
            pos = torch.arange(ids.shape[1], device=ids.device)
            x = self.ln(self.word(ids) + self.pos(pos)[None] + self.token_type(torch.zeros_like(ids)))
            bias = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
            for layer in self.layers:
                x = layer(x, bias)
            return torch.tanh(self.pooler(x[:, 0]))

    return Bert()


def setup(req):
    import torch

    dev = "cuda" if torch.cuda.is_available() else "cpu"
    torch.manual_seed(0)
    try:
        import transformers  # noqa: F401

        have_tf = True
    except Exception:  # noqa: BLE001
        have_tf = False
    if req.get("modelDir"):
        if not have_tf:
            raise RuntimeError("--model-dir needs transformers on the PyTorch side")
        from transformers import AutoModel

        hf = AutoModel.from_pretrained(req["modelDir"])
        encoder = lambda ids, mask: hf(input_ids=ids, attention_mask=mask).pooler_output  # noqa: E731
        model, hidden = hf, hf.config.hidden_size
    elif have_tf:
        from transformers import BertConfig, BertModel

        cfg = {k: v for k, v in req["config"].items() if k != "model_type"}
        hf = BertModel(BertConfig(**cfg))
        encoder = lambda ids, mask: hf(input_ids=ids, attention_mask=mask).pooler_output  # noqa: E731
        model, hidden = hf, cfg["hidden_size"]
    else:
        model = builtin_bert(req["config"])
        encoder = model
        hidden = req["config"]["hidden_size"]
    model.to(dev).eval()
    head = torch.nn.Linear(hidden, req["classes"]).to(dev)
    params = list(model.parameters()) + list(head.parameters())
    state.update(
        dev=dev,
        encoder=encoder,
        head=head,
        opt=torch.optim.Adam(params, lr=1e-5, betas=(0.9, 0.999), eps=1e-8),
        ids=torch.tensor(req["ids"], device=dev),
        mask=torch.ones(len(req["ids"]), len(req["ids"][0]), dtype=torch.long, device=dev),
        labels=torch.tensor(req["labels"], device=dev),
    )
    return {"parameters": sum(p.numel() for p in params)}


def steps(req):
    import torch

    s = state
    ms = []
    for _ in range(req["n"]):
        if s["dev"] == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        s["opt"].zero_grad()
        loss = torch.nn.functional.cross_entropy(s["head"](s["encoder"](s["ids"], s["mask"])), s["labels"])
        loss.backward()
        s["opt"].step()
        loss.item()  # waits for the GPU, as our side waits for its loss
        if s["dev"] == "cuda":
            torch.cuda.synchronize()
        ms.append((time.perf_counter() - t0) * 1000)
    return {"ms": ms}


HANDLERS = {"hello": hello, "setup": setup, "steps": steps}

for line in sys.stdin:
    req = json.loads(line)
    try:
        res = HANDLERS[req["cmd"]](req)
    except Exception as e:  # noqa: BLE001 - reported to the caller, which prints it
        res = {"error": f"{type(e).__name__}: {e}"}
    sys.stdout.write(json.dumps(res) + "\n")
    sys.stdout.flush()
