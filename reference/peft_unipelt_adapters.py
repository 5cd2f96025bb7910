"""Reference for src/deni/peft's UniPELT: AdapterHub `adapters` (UniPELTConfig) on tiny encoders.

Needs a Python with `adapters` (1.3) and its transformers (4.57); that pin conflicts with the
project venv's transformers 5, so it runs from a separate venv, e.g.
  python -m venv /tmp/adapters-venv && /tmp/adapters-venv/bin/pip install adapters
and the test runs only when DENI_ADAPTERS_PYTHON points at that interpreter.

Usage: python reference/peft_unipelt_adapters.py REQUEST.json
  REQUEST = {"cases": [{"name", "arch", "modelDir", "inputIds", "attentionMask", "tsWeights",
  "tsOutputs", "prefixLength", "r", "alpha", "reduction"}]}
For each case: builds the base model, adds UniPELTConfig(PrefixTuningConfig(prefix_length),
SeqBnConfig(reduction_factor), LoRAConfig(r, alpha)) (all gated, as UniPELTConfig does), maps every
trainable adapters tensor to our name, loads the TypeScript tensors and compares outputs.
Prints JSON: per case the max abs differences and the names present on one side only.
"""
import json
import re
import sys

import torch
from safetensors.torch import load_file

import adapters
from adapters import LoRAConfig, PrefixTuningConfig, SeqBnConfig, UniPELTConfig
from transformers import AutoModel

RULES = [
    (r"^(.*)\.loras\.u\.lora_A$", r"\1.lora_A.weight"),
    (r"^(.*)\.loras\.u\.lora_B$", r"\1.lora_B.weight"),
    (r"^(.*)\.loras\.u\.gate\.(weight|bias)$", r"\1.lora_gate.\2"),
    (r"^.*\.prefix_tuning\.pool\.prefix_tunings\.u\.self_prefix\.wte\.weight$", "prefix.wte"),
    (r"^.*\.prefix_tuning\.pool\.prefix_tunings\.u\.self_prefix\.control_trans\.(\d)\.(weight|bias)$",
     r"prefix.control.\1.\2"),
    (r"^(.*)\.prefix_tuning\.prefix_gates\.u\.(weight|bias)$", r"\1.prefix_gate.\2"),
    # BERT/RoBERTa: encoder.layer.i.output.adapters.u.* ; ALBERT: <layer>.output_adapters.adapters.u.*
    (r"^(.*\.output)\.adapters\.u\.adapter_down\.0\.(weight|bias)$", r"\1.adapter.down.\2"),
    (r"^(.*\.output)\.adapters\.u\.adapter_up\.(weight|bias)$", r"\1.adapter.up.\2"),
    (r"^(.*\.output)\.adapters\.u\.gate\.(weight|bias)$", r"\1.adapter.gate.\2"),
    (r"^(.*)\.output_adapters\.adapters\.u\.adapter_down\.0\.(weight|bias)$", r"\1.adapter.down.\2"),
    (r"^(.*)\.output_adapters\.adapters\.u\.adapter_up\.(weight|bias)$", r"\1.adapter.up.\2"),
    (r"^(.*)\.output_adapters\.adapters\.u\.gate\.(weight|bias)$", r"\1.adapter.gate.\2"),
]


def our_name(name):
    for pattern, repl in RULES:
        if re.match(pattern, name):
            return re.sub(pattern, repl, name)
    return None


def check_case(case):
    model = AutoModel.from_pretrained(case["modelDir"])
    adapters.init(model)
    config = UniPELTConfig(
        prefix_tuning=PrefixTuningConfig(prefix_length=case["prefixLength"]),
        adapter=SeqBnConfig(reduction_factor=case["reduction"]),
        lora=LoRAConfig(r=case["r"], alpha=case["alpha"]),
    )
    model.add_adapter("u", config=config)
    model.train_adapter("u")
    model.set_active_adapters("u")
    model.eval()
    params = dict(model.named_parameters())
    trainable = {n for n, p in params.items() if p.requires_grad}
    mapped = {}
    unmapped = []
    for n in sorted(trainable):
        ours = our_name(n)
        if ours is None:
            unmapped.append(n)
        else:
            mapped[ours] = n
    ts = load_file(case["tsWeights"])
    head = {"classifier.weight", "classifier.bias", "pooler.dense.weight", "pooler.dense.bias"}
    ts_names = set(ts) - head
    shape_mismatch = []
    with torch.no_grad():
        for ours, n in mapped.items():
            if ours in ts:
                if tuple(ts[ours].shape) != tuple(params[n].shape):
                    shape_mismatch.append(f"{ours} {tuple(ts[ours].shape)} vs {n} {tuple(params[n].shape)}")
                else:
                    params[n].copy_(ts[ours])
        if case["arch"] == "roberta" and "pooler.dense.weight" in ts:
            model.pooler.dense.weight.copy_(ts["pooler.dense.weight"])
            model.pooler.dense.bias.copy_(ts["pooler.dense.bias"])
    ids = torch.tensor(case["inputIds"], dtype=torch.long)
    mask = torch.tensor(case["attentionMask"], dtype=torch.long)
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids))
    ref = load_file(case["tsOutputs"])
    # Sensitivity control: without the adapter the outputs must differ clearly.
    model.set_active_adapters(None)
    with torch.no_grad():
        plain = model(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids))
    return {
        "controlWithoutAdapter": float((plain.last_hidden_state - ref["lastHidden"]).abs().max()),
        "name": case["name"],
        "hidden": float((out.last_hidden_state - ref["lastHidden"]).abs().max()),
        "pooled": float((out.pooler_output - ref["pooled"]).abs().max()),
        "tsOnly": sorted(ts_names - set(mapped)),
        "adaptersOnly": sorted(set(mapped) - ts_names) + unmapped,
        "shapeMismatch": shape_mismatch,
        "trainable": len(trainable),
        "versions": {"adapters": adapters.__version__, "torch": torch.__version__},
    }


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        request = json.load(f)
    torch.set_num_threads(1)
    print(json.dumps({"cases": [check_case(c) for c in request["cases"]]}))


if __name__ == "__main__":
    main()
