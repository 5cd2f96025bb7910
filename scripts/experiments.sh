#!/usr/bin/env bash
# Regenerates every table and figure of EXPERIMENTS.md and the quick-start notebook's outputs from
# the committed runs (experiments/<study>/runs.jsonl), without training: `npm run experiments`.
# The notebook is executed in a temporary folder whose store holds exactly the committed runs, so
# every run of its sweep is read back (a run that would need training fails the 300 s timeout).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build:node
node dist/cli.mjs experiments --png
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# A kernelspec of this checkout in a private Jupyter path (the shared one is left alone).
node dist/kernel.mjs install --jupyter-path "$tmp/jupyter" >/dev/null
cp notebooks/quickstart.ipynb "$tmp/"
node dist/cli.mjs import experiments/quickstart/runs.jsonl --store "$tmp/.deni/results.sqlite"
JUPYTER_PATH="$tmp/jupyter" .venv/bin/jupyter nbconvert --to notebook --execute \
  --ExecutePreprocessor.timeout=300 --inplace "$tmp/quickstart.ipynb"
runs="$(node dist/cli.mjs sweeps --store "$tmp/.deni/results.sqlite" --json)"
node -e 'const s = JSON.parse(process.argv[1]); const q = s.find(x => x.name === "quickstart");
  if (!q || q.done !== q.total) { console.error("quick-start sweep incomplete:", JSON.stringify(q)); process.exit(1); }' "$runs"
cp "$tmp/quickstart.ipynb" notebooks/quickstart.ipynb
echo "notebooks/quickstart.ipynb re-executed from experiments/quickstart/runs.jsonl"
