#!/usr/bin/env bash
# Regenerates every table and figure of EXPERIMENTS.md and the outputs of the notebooks whose runs
# are committed (experiments/<study>/runs.jsonl), without training: `npm run experiments`.
# Each notebook is executed in a temporary folder whose store holds exactly its study's committed
# runs, so every run of its sweeps is read back (a run that would need training fails the 300 s
# cell timeout). A study whose committed runs are not all finished yet (a study still running) is
# skipped with a message: its notebook keeps its outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build:node
node dist/cli.mjs experiments --png
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# A kernelspec of this checkout in a private Jupyter path (the shared one is left alone).
node dist/kernel.mjs install --jupyter-path "$tmp/jupyter" >/dev/null

# notebook:study pairs: the notebook whose %%deni sweep cells the study's runs.jsonl holds.
for pair in quickstart:quickstart cpu-study:cpu-study; do
  notebook="${pair%%:*}"
  study="${pair##*:}"
  runs="experiments/$study/runs.jsonl"
  [ -f "$runs" ] || continue
  work="$tmp/$notebook"
  mkdir -p "$work"
  node dist/cli.mjs import "$runs" --store "$work/.deni/results.sqlite" >/dev/null
  sweeps="$(node dist/cli.mjs sweeps --store "$work/.deni/results.sqlite" --json)"
  if ! node -e 'const s = JSON.parse(process.argv[1]);
    const open = s.filter(x => x.done !== x.total);
    if (open.length) { console.error(`skipped: ${open.map(x => `${x.name} ${x.done}/${x.total}`).join(", ")} not finished`); process.exit(1); }' "$sweeps"; then
    echo "notebooks/$notebook.ipynb not re-executed: $runs is not complete yet"
    continue
  fi
  cp "notebooks/$notebook.ipynb" "$work/"
  JUPYTER_PATH="$tmp/jupyter" .venv/bin/jupyter nbconvert --to notebook --execute \
    --ExecutePreprocessor.timeout=300 --inplace "$work/$notebook.ipynb"
  after="$(node dist/cli.mjs sweeps --store "$work/.deni/results.sqlite" --json)"
  node -e 'const [before, after] = process.argv.slice(1).map(JSON.parse);
    if (after.length !== before.length || after.some(x => x.done !== x.total)) {
      console.error("the notebook asked for runs its committed file does not hold:", JSON.stringify(after)); process.exit(1); }' "$sweeps" "$after"
  cp "$work/$notebook.ipynb" "notebooks/$notebook.ipynb"
  echo "notebooks/$notebook.ipynb re-executed from $runs"
done
