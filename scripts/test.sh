#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), then runs every test: lint (ESLint, Prettier, Stylelint,
# tsc), unit tests (vitest, one runner for the whole repository) and UI tests (galata/Playwright in
# Debian's Chromium against a real JupyterLab). Exits non-zero if any of them fails.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
export PATH="$(pwd)/.venv/bin:$PATH"

failed=()
step() {
  local name=$1; shift
  printf '\n\033[1m[test] %s\033[0m\n' "$name"
  if "$@"; then printf '[test] %s: ok\n' "$name"; else printf '[test] %s: FAILED\n' "$name"; failed+=("$name"); fi
}

step lint npm run --silent lint:check
step unit npx vitest run
step ui npx playwright test -c ui-tests/playwright.config.ts

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "[test] failed: ${failed[*]}"
  exit 1
fi
echo "[test] all passed (lint, unit, ui)"
