#!/usr/bin/env bash
# Sets up everything the product and its tests need, idempotently: Debian packages (Chromium for
# UI tests, redis-server for the distributed executor), npm packages, the project virtual
# environment with JupyterLab, native TensorFlow (tfjs-node built against the venv's TensorFlow;
# optional), the built extension (installed as a prebuilt extension through
# `pip install .`), the DENI kernelspec and the model files. Each step is skipped when its inputs
# have not changed since it last succeeded (stamps in .cache/setup/), so a second run is quick.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STAMPS="$ROOT/.cache/setup"
mkdir -p "$STAMPS"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup] error:\033[0m %s\n' "$*" >&2; exit 1; }

# --- prerequisites -----------------------------------------------------------------------------
command -v node >/dev/null || die "Node.js is missing: install Node.js 20 or newer (https://nodejs.org or 'apt-get install nodejs')."
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" -ge 20 ] || die "Node.js $(node --version) is too old: version 20 or newer is needed."
command -v npm >/dev/null || die "npm is missing: install npm 10 or newer with Node.js."
PY=${PYTHON:-python3}
command -v "$PY" >/dev/null || die "Python 3 is missing: install Python 3.10 or newer (set PYTHON=/path/to/python3 to choose one)."
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' ||
  die "$("$PY" --version 2>&1) is too old: Python 3.10 or newer is needed."
"$PY" -c 'import venv, ensurepip' 2>/dev/null || die "Python's venv module is missing: 'apt-get install python3-venv'."

# stamp NAME FILES... : succeeds (0) when the stamp matches the content hash of FILES.
hash_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }
fresh() { local name=$1; shift; [ -f "$STAMPS/$name" ] && [ "$(cat "$STAMPS/$name")" = "$(hash_of "$@")" ]; }
mark() { local name=$1; shift; hash_of "$@" >"$STAMPS/$name"; }

# --- Debian packages ---------------------------------------------------------------------------
APT_PKGS=(chromium redis-server)
missing=()
for p in "${APT_PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || die "apt-get is missing; install these packages by hand: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  say "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
else
  say "Debian packages present: ${APT_PKGS[*]}"
fi

# Mesa 25's software Vulkan driver (lavapipe) from bookworm-backports, so the WebGPU back-end (Dawn)
# is tested on this CPU machine; Dawn rejects Debian 12's own Mesa 22. Skipped off Debian 12.
if grep -q 'VERSION_CODENAME=bookworm' /etc/os-release 2>/dev/null &&
  ! dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -q bpo; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  say "installing Mesa Vulkan drivers from bookworm-backports (WebGPU tests on lavapipe)"
  if [ ! -f /etc/apt/sources.list.d/bookworm-backports.sources ]; then
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' |
      $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports \
    mesa-vulkan-drivers libvulkan1 >/dev/null ||
    say "warning: backports Mesa not installed; the WebGPU tests will skip"
fi

# --- npm packages ------------------------------------------------------------------------------
if [ -d node_modules ] && fresh npm package.json package-lock.json; then
  say "npm packages up to date"
else
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
  mark npm package.json package-lock.json
fi

# --- Python virtual environment ----------------------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  say "creating the project virtual environment .venv"
  "$PY" -m venv .venv
fi
if fresh pip requirements-dev.txt; then
  say "Python packages up to date"
else
  say "installing Python packages from requirements-dev.txt into .venv"
  .venv/bin/pip install -q -r requirements-dev.txt
  mark pip requirements-dev.txt
fi
export PATH="$ROOT/.venv/bin:$PATH"

# --- native TensorFlow back-end ----------------------------------------------------------------
# tfjs-node(-gpu) built against the venv's PyPI TensorFlow (scripts/setup-native-tf.sh). Optional:
# when a step fails it says which and why, and the product runs on wasm.
bash scripts/setup-native-tf.sh || say "continuing without native TensorFlow (the wasm back-end is used)"

# --- build: the plugin (tsc + @jupyterlab/builder) and the Node side (esbuild) -----------------
SRC_FILES=$(git ls-files -co --exclude-standard src schema style package.json tsconfig*.json scripts/build-node.mjs pyproject.toml 2>/dev/null | sort)
# shellcheck disable=SC2086
if [ -f jupyterlab_deni/labextension/package.json ] && [ -f dist/deni.mjs ] && fresh build $SRC_FILES; then
  say "extension build up to date"
else
  say "building the extension (tsc, esbuild, jupyter labextension build)"
  npm run build:lib:prod
  npm run build:node
  jupyter labextension build .
  say "installing the Python package with the prebuilt extension (pip install .)"
  pip install -q --no-build-isolation --no-deps --force-reinstall .
  # shellcheck disable=SC2086
  mark build $SRC_FILES
fi

# --- DENI kernelspec ---------------------------------------------------------------------------
if [ -f dist/kernel.mjs ]; then
  say "installing the DENI kernelspec into .venv"
  node dist/kernel.mjs install --prefix "$ROOT/.venv" >/dev/null
fi

# --- model files -------------------------------------------------------------------------------
if [ -f scripts/prepare-models.sh ]; then
  bash scripts/prepare-models.sh
fi

# --- check -------------------------------------------------------------------------------------
if ! jupyter labextension list 2>&1 | grep -E 'jupyterlab-deni .*enabled.*OK' >/dev/null; then
  jupyter labextension list >&2 || true
  die "jupyterlab-deni is not listed as enabled and OK by 'jupyter labextension list'"
fi
say "ready: jupyterlab-deni $(node -p 'require("./package.json").version') enabled and OK in .venv"
