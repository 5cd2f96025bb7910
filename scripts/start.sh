#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), then starts JupyterLab with the extension and the DENI
# kernel, opening the quick-start notebook. Extra arguments go to `jupyter lab`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$(pwd)/.venv/bin:$PATH"
ARGS=()
[ "$(id -u)" -eq 0 ] && ARGS+=(--allow-root)
exec jupyter lab --ServerApp.root_dir="$(pwd)" "${ARGS[@]}" "$@" notebooks/quickstart.ipynb
