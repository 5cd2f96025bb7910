#!/usr/bin/env bash
# Starts the JupyterLab that the UI tests drive: the project's .venv, the test-only server config,
# and a fresh copy of the notebooks folder as the server root (so tests never touch the repo's).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
export PATH="$ROOT/.venv/bin:$PATH"
JUPYTERLAB_GALATA_ROOT_DIR=$(mktemp -d /tmp/deni-ui-root-XXXXXX)
export JUPYTERLAB_GALATA_ROOT_DIR
cp -r "$ROOT/notebooks/." "$JUPYTERLAB_GALATA_ROOT_DIR/" 2>/dev/null || true
cp -r "$HERE/fixtures/." "$JUPYTERLAB_GALATA_ROOT_DIR/" 2>/dev/null || true
ARGS=()
[ "$(id -u)" -eq 0 ] && ARGS+=(--allow-root)
# Another checkout's UI tests may hold 8888: DENI_UI_PORT moves this server (and the tests' URL).
[ -n "${DENI_UI_PORT:-}" ] && ARGS+=(--ServerApp.port="$DENI_UI_PORT" --ServerApp.port_retries=0)
cd "$HERE"
exec jupyter lab --config "$HERE/jupyter_server_test_config.py" "${ARGS[@]}"
