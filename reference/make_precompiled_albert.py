"""Builds an ALBERT-style tokenizer.json whose normaliser chain holds SentencePiece's `Precompiled`
charsmap (as the real albert-base-v2 tokenizer.json does), and encodes test texts with it in Python.

The checkpoint is made the way transformers makes the real one: a SentencePiece Unigram model
trained with the default `nmt_nfkc` normalisation rule (whose compiled charsmap is what
`Precompiled` carries), read by its pieces and charsmap assembled into a tokenizer.json with ALBERT's normaliser chain as
transformers' AlbertConverter writes it.

Usage: python reference/make_precompiled_albert.py OUT_DIR TEXTS_JSON
Writes OUT_DIR/tokenizer.json and OUT_DIR/spiece.model; prints JSON
{"normalizers": [...types...], "fast": [[ids]...], "slow": [[ids]...]} for the texts.
Needs the PyPI packages sentencepiece, tokenizers, transformers and protobuf.
"""
import json
import os
import sys

import sentencepiece as spm
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

CORPUS = [
    "The quick brown fox jumps over the lazy dog.",
    "Café crème brûlée, naïve coöperation and ﬁne ligatures.",
    "Ｆｕｌｌ－ｗｉｄｔｈ ＡＢＣ １２３ and half-width ｶﾀｶﾅ katakana.",
    "Circled ① ② ③, Roman Ⅻ, fractions ½ ¼, superscripts x² y³.",
    "Quotes ``like this'' and “curly ones” — dashes – and ellipsis…",
    "Tabs\tand non\u00a0breaking\u3000spaces, zero\u200bwidth.",
    "Ｈｅｌｌｏ～ｗｏｒｌｄ tilde ～ and wave 〜.",
    "Mixed CASE Words And Numbers 2024 and 3.14159.",
]


def main(out, texts_file):
    os.makedirs(out, exist_ok=True)
    corpus = os.path.join(out, "corpus.txt")
    with open(corpus, "w", encoding="utf-8") as f:
        for _ in range(20):
            f.write("\n".join(CORPUS) + "\n")
    prefix = os.path.join(out, "spiece")
    spm.SentencePieceTrainer.train(
        input=corpus,
        model_prefix=prefix,
        vocab_size=110,
        model_type="unigram",
        character_coverage=1.0,
        normalization_rule_name="nmt_nfkc",
        pad_id=0,
        unk_id=1,
        bos_id=2,
        eos_id=3,
        pad_piece="<pad>",
        unk_piece="<unk>",
        bos_piece="[CLS]",
        eos_piece="[SEP]",
        user_defined_symbols=["[MASK]"],
        minloglevel=2,
    )
    from sentencepiece import sentencepiece_model_pb2 as pb

    proto = pb.ModelProto()
    with open(prefix + ".model", "rb") as f:
        proto.ParseFromString(f.read())
    charsmap = proto.normalizer_spec.precompiled_charsmap
    assert len(charsmap) > 0, "the nmt_nfkc rule compiles to a non-empty charsmap"
    # ALBERT's chain as transformers' AlbertConverter writes it (albert-base-v2's tokenizer.json):
    # quote replacements, NFKD + StripAccents + Lowercase (do_lower_case, no keep_accents), the
    # SentencePiece Precompiled charsmap, then runs of spaces collapsed.
    vocab = [(p.piece, p.score) for p in proto.pieces]
    tok = Tokenizer(models.Unigram(vocab, unk_id=1, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace("``", '"'),
            normalizers.Replace("''", '"'),
            normalizers.NFKD(),
            normalizers.StripAccents(),
            normalizers.Lowercase(),
            normalizers.Precompiled(charsmap),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS]:0 $A:0 [SEP]:0",
        pair="[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
        special_tokens=[("[CLS]", 2), ("[SEP]", 3)],
    )
    tok.add_special_tokens(["<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]"])
    tok.save(os.path.join(out, "tokenizer.json"))
    tok = Tokenizer.from_file(os.path.join(out, "tokenizer.json"))
    sp = spm.SentencePieceProcessor(model_file=prefix + ".model")
    with open(texts_file, encoding="utf-8") as f:
        texts = json.load(f)
    norm = json.load(open(os.path.join(out, "tokenizer.json"), encoding="utf-8"))["normalizer"]
    kinds = [n["type"] for n in norm.get("normalizers", [norm])]
    print(
        json.dumps(
            {
                "normalizers": kinds,
                "fast": [tok.encode(t).ids for t in texts],
                "tokens": [tok.encode(t).tokens for t in texts],
                # SentencePiece itself on the lower-cased, accent-stripped text: the same pieces.
                "spm": [sp.encode(t) for t in texts],
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
