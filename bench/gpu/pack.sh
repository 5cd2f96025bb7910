#!/usr/bin/env bash
# Assembles the self-contained GPU-check bundle for linux-x64 into bench/gpu/build/ (ignored by git):
#   build/deni-gpu-check.tar.xz holding
#     node                      this machine's Node binary (official-style build: links only glibc,
#                               libstdc++, libgcc; checked below)
#     gpu-check.mjs             bench/gpu/gpu-check.ts + src/deni + tfjs-core/-backend-webgpu/-backend-wasm,
#                               bundled by esbuild
#     tfjs-backend-wasm*.wasm   for --backend wasm (read beside the bundle, never fetched)
#     node_modules/webgpu/      the npm `webgpu` package's JS + dist/linux-x64/dawn.node only
#     node_modules/@tensorflow/tfjs-backend-wasm/  package.json + the threaded build's Emscripten
#                               loader and worker script (multi-threaded wasm, src/deni/backend)
#     lib/libvulkan.so.1        Vulkan loader, used only when the target has none
#     torch_step.py             the PyTorch side
# and fails if the archive exceeds 64 MiB; the unpacked folder is removed afterwards.
# bench/gpu-check.sh unpacks and runs it.
# Usage: bash bench/gpu/pack.sh   (NODE=/path/to/node to ship another binary)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
OUT=$ROOT/bench/gpu/build
STAGE=$OUT/deni-gpu-check
NODE_BIN=${NODE:-$(command -v node)}
LIMIT=$((64 * 1024 * 1024))
say() { printf '[pack] %s\n' "$*"; }
die() { printf '[pack] error: %s\n' "$*" >&2; exit 1; }

[ "$(uname -m)" = x86_64 ] || die "this packs linux-x64 binaries; run it on an x86_64 Linux machine"
NODE_BIN=$(readlink -f "$NODE_BIN")
# A Node that needs more than the C/C++ runtime (e.g. a distro build linking libnode, libuv,
# openssl) would not start on the target.
extra=$(ldd "$NODE_BIN" | awk '{print $1}' | xargs -n1 basename |
  grep -Ev '^(linux-vdso|ld-linux-x86-64|libdl|libstdc\+\+|libm|libgcc_s|libpthread|libc|librt)\.' || true)
[ -z "$extra" ] || die "$NODE_BIN links shared libraries the target may lack: $extra (use an official nodejs.org build: NODE=...)"
DAWN=$ROOT/node_modules/webgpu/dist/linux-x64/dawn.node
[ -f "$DAWN" ] || die "missing $DAWN: npm install webgpu"
WASM_DIR=$ROOT/node_modules/@tensorflow/tfjs-backend-wasm/dist
VULKAN=$(ldconfig -p | awk '/libvulkan\.so\.1 .*x86-64/ {print $NF; exit}')

rm -rf "$STAGE" "$OUT/deni-gpu-check.tar.xz"
mkdir -p "$STAGE/node_modules/webgpu/dist/linux-x64" "$STAGE/lib"
say "bundling bench/gpu/gpu-check.ts"
# webgpu stays external: its index.js finds dawn.node relative to itself. tfjs-node(-gpu) is
# imported through a non-literal specifier by src/deni/backend and is simply absent here.
# The banner gives CommonJS dependencies (tfjs-backend-wasm's emscripten loader) require and
# __dirname; --ignore-annotations keeps side-effect imports our package.json would let go.
"$ROOT/node_modules/.bin/esbuild" "$ROOT/bench/gpu/gpu-check.ts" --bundle --platform=node \
  --format=esm --target=node20 --outfile="$STAGE/gpu-check.mjs" --external:webgpu \
  --ignore-annotations \
  --banner:js="import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);" \
  --log-level=warning
cp "$ROOT/bench/gpu/torch_step.py" "$STAGE/"
cp "$WASM_DIR/tfjs-backend-wasm.wasm" "$WASM_DIR/tfjs-backend-wasm-simd.wasm" \
  "$WASM_DIR/tfjs-backend-wasm-threaded-simd.wasm" "$STAGE/"
TFW=$ROOT/node_modules/@tensorflow/tfjs-backend-wasm
mkdir -p "$STAGE/node_modules/@tensorflow/tfjs-backend-wasm/wasm-out"
cp "$TFW/package.json" "$STAGE/node_modules/@tensorflow/tfjs-backend-wasm/"
cp "$TFW/wasm-out/tfjs-backend-wasm-threaded-simd.js" \
  "$TFW/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js" \
  "$STAGE/node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/"
cp "$ROOT/node_modules/webgpu/package.json" "$ROOT/node_modules/webgpu/index.js" \
  "$ROOT/node_modules/webgpu/LICENSE.md" "$STAGE/node_modules/webgpu/"
cp "$DAWN" "$STAGE/node_modules/webgpu/dist/linux-x64/"
if [ -n "$VULKAN" ]; then
  cp -L "$VULKAN" "$STAGE/lib/libvulkan.so.1"
else
  say "no libvulkan.so.1 here to ship; the target must have its own Vulkan loader"
fi
cp "$NODE_BIN" "$STAGE/node"
"$STAGE/node" --version > "$STAGE/NODE_VERSION"
say "compressing (xz -6)"
tar -C "$OUT" -cf - deni-gpu-check | xz -6 -T2 > "$OUT/deni-gpu-check.tar.xz"
size=$(stat -c %s "$OUT/deni-gpu-check.tar.xz")
unpacked=$(du -sb "$STAGE" | cut -f1)
say "$(printf 'bundle %s: %.1f MiB (unpacked %.1f MiB; limit 64 MiB)' "$OUT/deni-gpu-check.tar.xz" \
  "$(awk "BEGIN{print $size/1048576}")" "$(awk "BEGIN{print $unpacked/1048576}")")"
[ "$size" -le "$LIMIT" ] || die "bundle is $size bytes, over the 64 MiB limit"
# Only the archive stays, so bench/gpu/build/ as a whole fits the 64 MiB (set KEEP_STAGE=1 to keep
# the unpacked folder for debugging).
[ "${KEEP_STAGE:-0}" = 1 ] || rm -rf "$STAGE"
