#!/usr/bin/env bash
# Builds the native TensorFlow back-end: @tensorflow/tfjs-node (or -gpu where nvidia-smi finds a
# GPU) against TensorFlow's C API from the PyPI TensorFlow wheel in the project venv. Run by
# scripts/setup.sh (also runnable alone); idempotent (stamp in .cache/setup/native-tf).
#   1. TensorFlow from PyPI into .venv: tensorflow-cpu, or tensorflow[and-cuda] (CUDA 12 and cuDNN
#      as PyPI wheels) on a machine with an NVIDIA GPU; its libtensorflow_cc.so.2,
#      libtensorflow_framework.so.2 and include/ are the C API the binding needs.
#   2. The compiler (g++, make) and Node's headers (from the Node installation; Debian's
#      build-essential when g++ is missing).
#   3. tfjs-node(-gpu) 4.22.0 into its own folder .cache/tfjs-node with --ignore-scripts: its install
#      script downloads libtensorflow 2.9 (unreachable offline, and built for CUDA 11.2). Its own
#      folder, not the project's node_modules: `npm ci` and `npm install` prune packages that
#      package.json does not list, and listing it there would run that install script. Its copies
#      of tfjs-core and tfjs-backend-cpu are removed so it shares the project's (one tfjs engine).
#   4. scripts/tfjs-node-async-eager.patch is applied to the binding's sources as npm installed
#      them (kept in binding.unpatched; sources it does not fit stop here): with
#      $TFJS_NODE_ASYNC=1 the binding runs TensorFlow's eager ops asynchronously and infers each
#      op's output shape itself, so Node's thread goes on to the next op while the kernel runs
#      (same kernels, same order, same bits; the engine turns it on from 2 threads,
#      src/deni/backend/native-tensorflow.ts). deps/include and deps/lib point at the wheel's
#      files; node-gyp builds the binding with the local Node headers (--nodedir), never
#      downloading anything.
#   5. The binding is loaded once in each mode (sync, async) to check it.
# Any failure says which step failed and why, and exits 3: the product then runs on wasm (setup.sh
# goes on). DENI_SKIP_NATIVE_TF=1 skips all of it.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STAMPS="$ROOT/.cache/setup"
PREFIX="$ROOT/.cache/tfjs-node"
LOG="$STAMPS/native-tf.log"
mkdir -p "$STAMPS"
TF_VERSION=2.21.0
TFJS_VERSION=4.22.0
PYBIN="$ROOT/.venv/bin/python"
ASYNC_PATCH="$ROOT/scripts/tfjs-node-async-eager.patch"

say() { printf '\033[1m[setup]\033[0m native TensorFlow: %s\n' "$*"; }
fail() {
  printf '\033[1;33m[setup] native TensorFlow: step "%s" failed: %s\033[0m\n' "$1" "$2" >&2
  if [ -s "$LOG" ]; then
    printf '  last lines of %s:\n' "$LOG" >&2
    tail -n 8 "$LOG" | sed 's/^/    /' >&2
  fi
  printf '  The product runs on the wasm back-end; rerun scripts/setup.sh after fixing this.\n' >&2
  exit 3
}

if [ "${DENI_SKIP_NATIVE_TF:-0}" = 1 ]; then
  say "skipped (DENI_SKIP_NATIVE_TF=1); the product runs on wasm"
  exit 0
fi
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || fail "platform" "only Linux x86_64 is set up here ($(uname -s)-$(uname -m))"
[ -x "$PYBIN" ] || fail "venv" "no $PYBIN (the project venv is made earlier in setup.sh)"

if command -v nvidia-smi > /dev/null && nvidia-smi -L 2> /dev/null | grep -q '^GPU '; then
  WHEEL_DIST=tensorflow
  WHEEL="tensorflow[and-cuda]==$TF_VERSION"
  PKG=@tensorflow/tfjs-node-gpu
else
  WHEEL_DIST=tensorflow-cpu
  WHEEL="tensorflow-cpu==$TF_VERSION"
  PKG=@tensorflow/tfjs-node
fi
PKGDIR="$PREFIX/node_modules/$PKG"
TFJS_CORE=$(node -p "require('$ROOT/node_modules/@tensorflow/tfjs-core/package.json').version" 2> /dev/null) ||
  fail "tfjs-core" "the project's @tensorflow/tfjs-core is not installed (npm ci runs earlier in setup.sh)"
[ "$TFJS_CORE" = "$TFJS_VERSION" ] ||
  fail "tfjs-core" "the project uses tfjs-core $TFJS_CORE but tfjs-node is pinned at $TFJS_VERSION: change TFJS_VERSION here"

# The stamp covers what the build depends on; the binding file itself must still be there.
STAMP_TEXT="$WHEEL $PKG@$TFJS_VERSION node $(node --version) $(cat "$0" | sha256sum | cut -c1-16) $(sha256sum < "$ASYNC_PATCH" | cut -c1-16)"
binding_file() { ls "$PKGDIR"/lib/napi-v*/tfjs_binding.node 2> /dev/null | head -1; }
if [ -f "$STAMPS/native-tf" ] && [ "$(cat "$STAMPS/native-tf")" = "$STAMP_TEXT" ] && [ -n "$(binding_file)" ] &&
  [ -e "$PKGDIR/deps/lib/libtensorflow.so" ]; then
  say "up to date ($PKG built against $WHEEL_DIST $TF_VERSION)"
  exit 0
fi
rm -f "$STAMPS/native-tf"
: > "$LOG"
t0=$(date +%s)

# 1. TensorFlow from PyPI.
have=$("$PYBIN" -c "import importlib.metadata as m; print(m.version('$WHEEL_DIST'))" 2> /dev/null || true)
if [ "$have" != "$TF_VERSION" ]; then
  say "installing $WHEEL into .venv (PyPI)"
  "$PYBIN" -m pip install -q "$WHEEL" >> "$LOG" 2>&1 || fail "pip install $WHEEL" "pip could not install TensorFlow"
fi
TFDIR=$("$PYBIN" -c "import importlib.util, os; print(os.path.dirname(importlib.util.find_spec('tensorflow').origin))" 2>> "$LOG") ||
  fail "locate TensorFlow" "the tensorflow package is not importable from $PYBIN"
for f in libtensorflow_cc.so.2 libtensorflow_framework.so.2 include/tensorflow/c/c_api.h include/tensorflow/c/eager/c_api.h; do
  [ -e "$TFDIR/$f" ] || fail "locate TensorFlow" "$TFDIR/$f is missing (this TensorFlow wheel does not ship the C API)"
done

# 2. Compiler and Node headers.
if ! command -v g++ > /dev/null || ! command -v make > /dev/null || ! command -v patch > /dev/null; then
  say "installing the C++ compiler and patch (Debian build-essential)"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq build-essential; } >> "$LOG" 2>&1 ||
    fail "compiler" "g++/make/patch are missing and apt-get could not install build-essential"
fi
NODEDIR=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
[ -f "$NODEDIR/include/node/node_api.h" ] && [ -f "$NODEDIR/include/node/common.gypi" ] ||
  fail "Node headers" "$NODEDIR/include/node has no node_api.h/common.gypi (install Node.js with its headers, e.g. the NodeSource package, or Debian's libnode-dev)"
GYP="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
[ -f "$GYP" ] || GYP="$ROOT/node_modules/node-gyp/bin/node-gyp.js"
[ -f "$GYP" ] || fail "node-gyp" "no node-gyp found beside npm or in node_modules"

# 3. tfjs-node without its install script, in its own folder.
if [ "$(node -p "require('$PKGDIR/package.json').version" 2> /dev/null)" != "$TFJS_VERSION" ]; then
  say "installing $PKG@$TFJS_VERSION into .cache/tfjs-node (npm, --ignore-scripts)"
  rm -rf "$PREFIX"
  mkdir -p "$PREFIX"
  printf '{ "name": "deni-tfjs-node", "private": true, "description": "%s built against the venv TensorFlow by scripts/setup-native-tf.sh" }\n' "$PKG" > "$PREFIX/package.json"
  npm install --prefix "$PREFIX" --ignore-scripts --no-save --no-package-lock --no-audit --no-fund \
    "$PKG@$TFJS_VERSION" >> "$LOG" 2>&1 || fail "npm install $PKG" "npm could not install it"
fi
# One tfjs engine: tfjs-node and its union package resolve the project's tfjs-core and cpu back-end.
rm -rf "$PREFIX/node_modules/@tensorflow/tfjs-core" "$PREFIX/node_modules/@tensorflow/tfjs-backend-cpu"

# 4. The async-eager patch, applied to the sources as npm installed them (kept in
# binding.unpatched the first time), so each run gives the same sources and a changed patch
# replaces the old one; the wheel's C API; the build.
PRISTINE="$PKGDIR/binding.unpatched"
if [ ! -d "$PRISTINE" ]; then
  cp -r "$PKGDIR/binding" "$PRISTINE" || fail "patch" "cannot keep a copy of $PKGDIR/binding"
fi
rm -rf "$PKGDIR/binding" && cp -r "$PRISTINE" "$PKGDIR/binding" ||
  fail "patch" "cannot restore $PKGDIR/binding from $PRISTINE"
(cd "$PKGDIR" && patch -p1 -N -s -f --dry-run < "$ASYNC_PATCH") >> "$LOG" 2>&1 ||
  fail "patch" "scripts/tfjs-node-async-eager.patch does not fit $PRISTINE (sources other than $PKG@$TFJS_VERSION's; rm -rf .cache/tfjs-node and rerun to reinstall them)"
say "applying scripts/tfjs-node-async-eager.patch to the binding"
(cd "$PKGDIR" && patch -p1 -N -s -f --no-backup-if-mismatch < "$ASYNC_PATCH") >> "$LOG" 2>&1 ||
  fail "patch" "scripts/tfjs-node-async-eager.patch did not apply to $PKGDIR/binding"
mkdir -p "$PKGDIR/deps/lib" || fail "deps" "cannot write $PKGDIR/deps"
ln -sfn "$TFDIR/include" "$PKGDIR/deps/include"
ln -sf "$TFDIR/libtensorflow_cc.so.2" "$PKGDIR/deps/lib/libtensorflow_cc.so.2"
ln -sf libtensorflow_cc.so.2 "$PKGDIR/deps/lib/libtensorflow.so.2"
ln -sf libtensorflow_cc.so.2 "$PKGDIR/deps/lib/libtensorflow.so"
ln -sf "$TFDIR/libtensorflow_framework.so.2" "$PKGDIR/deps/lib/libtensorflow_framework.so.2"
ln -sf libtensorflow_framework.so.2 "$PKGDIR/deps/lib/libtensorflow_framework.so"
say "building the $PKG binding against TensorFlow $TF_VERSION (node-gyp, headers from $NODEDIR)"
BINDING=$(cd "$PKGDIR" && node -p "require('@mapbox/node-pre-gyp').find(require('path').resolve('package.json'))" 2>> "$LOG") ||
  fail "node-gyp" "node-pre-gyp cannot say where tfjs-node looks for its binding"
NAPI=$(basename "$(dirname "$BINDING")" | sed 's/^napi-v//')
(cd "$PKGDIR" && node "$GYP" rebuild --nodedir="$NODEDIR" --module_name=tfjs_binding \
  --module_path="$(dirname "$BINDING")" --napi_build_version="$NAPI") >> "$LOG" 2>&1 ||
  fail "node-gyp rebuild" "the binding did not compile or link"
# node-gyp's post-build step copies it to module_path; older node-gyp versions leave it in build/.
if [ ! -f "$BINDING" ]; then
  mkdir -p "$(dirname "$BINDING")"
  cp "$PKGDIR/build/Release/tfjs_binding.node" "$BINDING" || fail "node-gyp rebuild" "no tfjs_binding.node was built"
fi

# 5. Load it once in each mode: sync, and async eager as the engine runs it from 2 threads.
check=""
for mode in 0 1; do
  check=$(cd "$ROOT" && TF_CPP_MIN_LOG_LEVEL=2 TFJS_NODE_ASYNC=$mode node -e "
const tf = require('$PKGDIR');
const b = tf.backend();
if (tf.getBackend() !== 'tensorflow') throw new Error('back-end is ' + tf.getBackend());
if (b.binding.isAsyncEager !== ($mode === 1)) throw new Error('isAsyncEager is ' + b.binding.isAsyncEager + ' with TFJS_NODE_ASYNC=$mode');
const p = tf.matMul(tf.ones([2, 3]), tf.ones([3, 2]));
if (String(p.shape) !== '2,2') throw new Error('wrong shape ' + p.shape);
const v = p.dataSync();
if (v[0] !== 3) throw new Error('wrong product ' + v);
console.log('TensorFlow ' + b.binding.TF_Version + (b.isUsingGpuDevice ? ' on the GPU' : ' on the CPU'));
" 2>> "$LOG") || fail "load" "the built binding does not load or compute (TFJS_NODE_ASYNC=$mode)"
done
printf '%s' "$STAMP_TEXT" > "$STAMPS/native-tf"
say "$PKG built and loads: $check ($(($(date +%s) - t0)) s; log $LOG)"
