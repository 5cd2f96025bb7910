#!/usr/bin/env bash
# GPU check for a Linux x86_64 machine with an NVIDIA GPU, no internet and no Node installed.
# It brings its own Node binary and modules (bench/gpu/build/deni-gpu-check.tar.xz, made here by
# `bash bench/gpu/pack.sh`; <= 64 MiB), then:
#   1. prints the machine, the NVIDIA driver and what Vulkan offers (loader, ICD files);
#      when the driver's Vulkan library is present without an ICD file, it writes one;
#   2. prints the WebGPU (Dawn) adapter;
#   3. times a short fine-tuning of the default model's architecture (minilm-l6) and of a
#      BERT-base-sized model on our webgpu back-end, alternating with the same steps in PyTorch
#      on the GPU (when torch is installed; otherwise it says so), and prints the time ratio.
# Without a usable WebGPU adapter it says exactly what is missing and times the wasm back-end.
# Usage: bash bench/gpu-check.sh [--python /path/to/python] [--models minilm-l6,bert-base]
#        [--rounds 3] [--steps 3] [--backend webgpu|wasm] [--no-torch]
# Environment: DENI_GPU_BUNDLE (the .tar.xz), DENI_GPU_WORK (unpack folder, default
# ${TMPDIR:-/tmp}/deni-gpu-check), DENI_GPU_LOG (also write the output there).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUNDLE=${DENI_GPU_BUNDLE:-$HERE/gpu/build/deni-gpu-check.tar.xz}
WORK=${DENI_GPU_WORK:-${TMPDIR:-/tmp}/deni-gpu-check}
if [ -n "${DENI_GPU_LOG:-}" ]; then
  exec > >(tee "$DENI_GPU_LOG") 2>&1
fi
say() { printf '%s\n' "$*"; }
die() { printf 'gpu-check: error: %s\n' "$*" >&2; exit 1; }

[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || die "the bundle holds linux-x64 binaries; this is $(uname -s)-$(uname -m)"
[ -f "$BUNDLE" ] || die "no bundle at $BUNDLE: run 'bash bench/gpu/pack.sh' on the development machine (or set DENI_GPU_BUNDLE)"

# Unpack once per bundle (the stamp is the bundle's size + mtime).
stamp="$(stat -c '%s %Y' "$BUNDLE")"
DIR=$WORK/deni-gpu-check
if [ ! -x "$DIR/node" ] || [ "$(cat "$WORK/.stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$WORK" && mkdir -p "$WORK" || die "cannot create $WORK"
  if command -v xz > /dev/null; then
    tar -C "$WORK" -xJf "$BUNDLE" || die "cannot unpack $BUNDLE"
  elif command -v python3 > /dev/null; then
    # No xz tool: Python's lzma module reads the same archive.
    python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$BUNDLE" "$WORK" ||
      die "cannot unpack $BUNDLE with python3"
  else
    die "cannot unpack $BUNDLE: neither xz nor python3 is installed"
  fi
  printf '%s' "$stamp" > "$WORK/.stamp"
fi

say "== machine"
say "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
say "kernel: $(uname -r); $(ldd --version 2>&1 | head -1)"
say "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') x $(nproc)"
if command -v nvidia-smi > /dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | sed 's/^/gpu: /'
else
  say "gpu: nvidia-smi not found (no NVIDIA driver user space installed?)"
fi
say "node: $("$DIR/node" --version 2>&1) (bundled)"

say "== vulkan"
# Dawn opens libvulkan.so.1 (the loader), which reads ICD files naming each driver.
if ldconfig -p 2> /dev/null | grep -q 'libvulkan\.so\.1 .*x86-64'; then
  say "loader: $(ldconfig -p | awk '/libvulkan\.so\.1 .*x86-64/ {print $NF; exit}') (system)"
else
  export LD_LIBRARY_PATH="$DIR/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  say "loader: none installed; using the bundled $DIR/lib/libvulkan.so.1 (Debian libvulkan1 1.3.239)"
fi
icds=$(ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json /usr/local/share/vulkan/icd.d/*.json 2> /dev/null)
say "ICD files: ${icds:-none}${VK_ICD_FILENAMES:+ (VK_ICD_FILENAMES=$VK_ICD_FILENAMES)}"
glx=$(ldconfig -p 2> /dev/null | awk '/libGLX_nvidia\.so\.0 .*x86-64/ {print $NF; exit}')
if [ -z "${VK_ICD_FILENAMES:-}" ] && ! printf '%s' "$icds" | grep -qi nvidia; then
  if [ -n "$glx" ]; then
    # The NVIDIA driver implements Vulkan in libGLX_nvidia.so.0; only its ICD file is missing
    # (common in containers). Point the loader at it.
    cat > "$WORK/nvidia_icd.json" << EOF
{ "file_format_version": "1.0.0", "ICD": { "library_path": "$glx", "api_version": "1.3.0" } }
EOF
    export VK_ICD_FILENAMES="$WORK/nvidia_icd.json"
    say "NVIDIA ICD: no nvidia_icd.json installed; wrote $VK_ICD_FILENAMES -> $glx"
  else
    say "NVIDIA ICD: MISSING: no nvidia_icd.json and no libGLX_nvidia.so.0. Dawn needs the driver's Vulkan part:"
    say "  the NVIDIA driver's GL/Vulkan libraries (Debian: nvidia-vulkan-icd + libgl1-nvidia-glvnd-glx;"
    say "  Ubuntu: libnvidia-gl-<driver version>); in a container, NVIDIA_DRIVER_CAPABILITIES must include"
    say "  'graphics' (or 'all') so the toolkit mounts libGLX_nvidia.so.0 and nvidia_icd.json."
  fi
fi

say "== webgpu + training"
args=("$@")
if ! printf '%s\n' "$@" | grep -qx -- '--backend'; then
  args+=(--backend webgpu --fallback wasm)
fi
if ! printf '%s\n' "$@" | grep -qx -- '--python'; then
  args+=(--python "$(command -v python3 || echo python3)")
fi
cd "$DIR" && exec "$DIR/node" "$DIR/gpu-check.mjs" "${args[@]}"
