"""Generates tiny randomly initialised BERT, RoBERTa and ALBERT checkpoints for the engine tests.

Usage: python reference/make_tiny_checkpoints.py OUT_DIR MINILM_DIR
Writes OUT_DIR/tiny-{bert,roberta,albert}/ with config.json, model.safetensors, tokenizer.json and
tokenizer_config.json, using transformers' own model classes (seeded) so the layouts, names and
initialisation are exactly what Hugging Face produces. Tokenisers (no network here):
  - tiny-bert reuses MiniLM's WordPiece tokenizer (the bert-base-uncased vocabulary, 30522 rows);
  - tiny-roberta trains a byte-level BPE (RoBERTa's pipeline: ByteLevel pre-tokenizer, RobertaProcessing);
  - tiny-albert trains a SentencePiece-style Unigram with ALBERT's normaliser chain
    (quotes, NFKD, strip accents, lowercase, collapse spaces), Metaspace and [CLS] A [SEP] templates.
The training corpus is the MiniLM README plus fixed sentences, so results are reproducible.
"""
import json
import os
import shutil
import sys

import torch
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import (
    AlbertConfig,
    AlbertModel,
    BertConfig,
    BertModel,
    PreTrainedTokenizerFast,
    RobertaConfig,
    RobertaModel,
)

SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "Café au lait, naïve résumé, façade and coöperation are borrowed words.",
    "Fine-tuning pre-trained encoders is unstable across random seeds.",
    "Delayed ensembles with noisy interpolation mitigate that instability.",
    "What is the capital of France? Paris, of course!",
    "Antidisestablishmentarianism is a very long word indeed.",
    "I didn't like the movie; the plot was thin and the acting wooden.",
    "Numbers like 3.14159, 2026 and 42 appear in text too.",
]


def corpus(minilm_dir):
    lines = list(SENTENCES)
    with open(os.path.join(minilm_dir, "README.md"), encoding="utf-8") as f:
        lines += [line.strip() for line in f if line.strip()]
    return lines * 3


def save(model, tok, out):
    os.makedirs(out, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    tok.save_pretrained(out)


def tiny_bert(out, minilm_dir):
    torch.manual_seed(1)
    cfg = BertConfig(
        vocab_size=30522, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
        max_position_embeddings=128, hidden_act="gelu",
    )
    model = BertModel(cfg)
    tok = PreTrainedTokenizerFast.from_pretrained(minilm_dir)
    save(model, tok, out)


def tiny_roberta(out, lines):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400, special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False,
    )
    tok.train_from_iterator(lines, trainer)
    tok.post_processor = processors.RobertaProcessing(("</s>", tok.token_to_id("</s>")), ("<s>", tok.token_to_id("<s>")))
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>", sep_token="</s>",
        cls_token="<s>", pad_token="<pad>", mask_token="<mask>",
    )
    torch.manual_seed(2)
    cfg = RobertaConfig(
        vocab_size=tok.get_vocab_size(), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
        intermediate_size=64, max_position_embeddings=130, pad_token_id=1, bos_token_id=0, eos_token_id=2,
        type_vocab_size=1,
    )
    save(RobertaModel(cfg), fast, out)


def tiny_albert(out, lines):
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.Sequence([
        normalizers.Replace("``", '"'), normalizers.Replace("''", '"'), normalizers.NFKD(),
        normalizers.StripAccents(), normalizers.Lowercase(), normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    trainer = trainers.UnigramTrainer(
        vocab_size=300, special_tokens=["<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]"], unk_token="<unk>",
        show_progress=False,
    )
    tok.train_from_iterator(lines, trainer)
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS]:0 $A:0 [SEP]:0", pair="[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="<unk>", sep_token="[SEP]", cls_token="[CLS]", pad_token="<pad>",
        mask_token="[MASK]",
    )
    torch.manual_seed(3)
    cfg = AlbertConfig(
        vocab_size=tok.get_vocab_size(), embedding_size=16, hidden_size=32, num_hidden_layers=3,
        num_attention_heads=4, intermediate_size=64, max_position_embeddings=128, hidden_act="gelu_new",
        pad_token_id=0, hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1,
    )
    save(AlbertModel(cfg), fast, out)


def main():
    out_dir, minilm_dir = sys.argv[1], sys.argv[2]
    lines = corpus(minilm_dir)
    for name, make in [
        ("tiny-bert", lambda d: tiny_bert(d, minilm_dir)),
        ("tiny-roberta", lambda d: tiny_roberta(d, lines)),
        ("tiny-albert", lambda d: tiny_albert(d, lines)),
    ]:
        target = os.path.join(out_dir, name)
        tmp = target + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        make(tmp)
        shutil.rmtree(target, ignore_errors=True)
        os.rename(tmp, target)
        print(f"wrote {target}: {sorted(os.listdir(target))}")


if __name__ == "__main__":
    main()
