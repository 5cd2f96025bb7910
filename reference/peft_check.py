"""Reference for src/deni/peft: LoRA and IA3 with Hugging Face `peft` on tiny encoders.

Usage:
  python reference/peft_check.py make-models OUT_DIR
      Writes OUT_DIR/{bert,roberta,albert}/ (config.json + model.safetensors): tiny seeded
      transformers models (hidden 32, 4 heads, 2-3 layers, vocab 99) for the PEFT tests.
  python reference/peft_check.py check REQUEST.json
      REQUEST = {"cases": [{"name", "arch", "method": "lora"|"ia3", "modelDir", "inputIds",
      "attentionMask", "tsWeights", "tsOutputs", "pyWeights", "pyOutputs", "lora": {...}}]}.
      For each case it builds the base model with peft's own config (PAPER.md LoRA targets; IA3 with
      peft's per-architecture defaults, explicit for ALBERT which peft lacks), then
        1. TS -> peft: loads the adapter tensors the TypeScript side wrote (tsWeights, our names),
           runs the peft model and compares with the TypeScript outputs (tsOutputs);
        2. peft -> TS: randomises every trainable peft tensor (seeded), writes them under our names
           (pyWeights) with peft's outputs (pyOutputs) for the TypeScript side to compare.
      Prints one JSON object: per case the max abs differences and the trainable-name sets that
      exist on one side only (both must be empty).
Our names are peft's without the `base_model.model.` prefix, the adapter name `.default` and the
`.base_layer` of wrapped modules; IA3 vectors are stored 1-D (peft: [out, 1] or [1, in]).
"""
import json
import os
import sys

import torch
from safetensors.torch import load_file, save_file
from transformers import AlbertConfig, AlbertModel, AutoModel, BertConfig, BertModel, RobertaConfig, RobertaModel

LORA_TARGETS = {
    "bert": (["query", "value"], None),
    "roberta": (["query", "key", "value", "dense"], ["pooler.dense"]),
    "albert": (["key", "value"], None),
}


def make_models(out_dir):
    common = dict(hidden_size=32, num_attention_heads=4, intermediate_size=64, max_position_embeddings=64)
    specs = {
        "bert": (BertModel, BertConfig(vocab_size=99, num_hidden_layers=2, hidden_act="gelu", **common), 11),
        "roberta": (
            RobertaModel,
            RobertaConfig(vocab_size=99, num_hidden_layers=2, pad_token_id=1, bos_token_id=0, eos_token_id=2,
                          type_vocab_size=1, **{**common, "max_position_embeddings": 66}),
            12,
        ),
        "albert": (
            AlbertModel,
            AlbertConfig(vocab_size=99, embedding_size=16, num_hidden_layers=3, hidden_act="gelu_new", pad_token_id=0,
                         **common),
            13,
        ),
    }
    for arch, (cls, cfg, seed) in specs.items():
        torch.manual_seed(seed)
        model = cls(cfg)
        # Non-trivial biases and LayerNorm affine terms, so bias training and copying is visible.
        with torch.no_grad():
            for n, p in model.named_parameters():
                if n.endswith("bias") or "LayerNorm" in n or "layer_norm" in n:
                    p.add_(torch.randn_like(p) * 0.1)
        target = os.path.join(out_dir, arch)
        model.save_pretrained(target, safe_serialization=True)
        print(f"wrote {target}")


def peft_model(case):
    from peft import IA3Config, LoraConfig, get_peft_model

    base = AutoModel.from_pretrained(case["modelDir"], attn_implementation="eager")
    base.eval()
    arch = case["arch"]
    if case["method"] == "lora":
        s = case["lora"]
        targets, exclude = LORA_TARGETS[arch]
        cfg = LoraConfig(r=s["r"], lora_alpha=s["alpha"], lora_dropout=s["dropout"], use_rslora=s["rankStabilised"],
                         bias=s["bias"], target_modules=targets, exclude_modules=exclude)
    elif arch == "albert":
        cfg = IA3Config(target_modules=["key", "value", "ffn_output"], feedforward_modules=["ffn_output"])
    else:
        cfg = IA3Config()  # peft's defaults for model_type bert / roberta
    model = get_peft_model(base, cfg)
    model.eval()
    return model


def our_name(peft_name):
    n = peft_name
    if n.startswith("base_model.model."):
        n = n[len("base_model.model."):]
    return n.replace(".default", "").replace(".base_layer.", ".")


def run(model, case):
    ids = torch.tensor(case["inputIds"], dtype=torch.long)
    mask = torch.tensor(case["attentionMask"], dtype=torch.long)
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids))
    return out.last_hidden_state.contiguous(), out.pooler_output.contiguous()


def check_case(case):
    model = peft_model(case)
    params = dict(model.named_parameters())
    trainable = {our_name(n): n for n, p in params.items() if p.requires_grad}
    by_ours = {our_name(n): n for n in params}

    # 1. TS -> peft
    ts = load_file(case["tsWeights"])
    head_only = {"classifier.weight", "classifier.bias"}
    if case["arch"] == "roberta":
        # RoBERTa's head dense (our pooler) trains under PEFT in PAPER.md; peft's base model
        # trains its bias only through bias="all". Head tensors are compared on neither side.
        head_only |= {"pooler.dense.weight", "pooler.dense.bias"}
    ts_adapter_names = set(ts) - head_only
    peft_names = set(trainable) - head_only
    with torch.no_grad():
        for name, value in ts.items():
            if name not in by_ours:
                continue
            p = params[by_ours[name]]
            p.copy_(value.reshape(p.shape))
    hidden, pooled = run(model, case)
    ts_out = load_file(case["tsOutputs"])
    # Sensitivity control: the base model without the adapters must differ clearly.
    with model.disable_adapter():
        plain, _ = run(model, case)
    result = {
        "name": case["name"],
        "tsToPeftHidden": float((hidden - ts_out["lastHidden"]).abs().max()),
        "tsToPeftPooled": float((pooled - ts_out["pooled"]).abs().max()),
        "tsOnly": sorted(ts_adapter_names - peft_names),
        "peftOnly": sorted(peft_names - ts_adapter_names),
        "trainable": len(trainable),
        "controlWithoutAdapter": float((plain - ts_out["lastHidden"]).abs().max()),
    }

    # 2. peft -> TS: fresh random values for every trainable tensor (LoRA B included).
    torch.manual_seed(1234)
    export = {}
    with torch.no_grad():
        for ours, n in trainable.items():
            p = params[n]
            if "ia3_l" in n:
                p.copy_(1 + 0.3 * torch.randn_like(p))
            else:
                p.copy_(p + 0.1 * torch.randn_like(p))
            export[ours] = p.detach().reshape(-1).clone() if "ia3_l" in n else p.detach().clone()
    hidden, pooled = run(model, case)
    save_file(export, case["pyWeights"])
    save_file({"lastHidden": hidden, "pooled": pooled}, case["pyOutputs"])
    return result


def main():
    cmd = sys.argv[1]
    if cmd == "make-models":
        make_models(sys.argv[2])
    elif cmd == "check":
        with open(sys.argv[2], encoding="utf-8") as f:
            request = json.load(f)
        torch.set_num_threads(1)
        print(json.dumps({"cases": [check_case(c) for c in request["cases"]]}))
    else:
        raise SystemExit(f"unknown command {cmd!r}; use make-models or check")


if __name__ == "__main__":
    main()
