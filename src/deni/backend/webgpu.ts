import * as tf from '@tensorflow/tfjs-core';
import { useDeterministicScatter } from './webgpu-scatter';

/*
 * WebGPU (Dawn through the npm `webgpu` package) specifics: the deterministic mode and how an
 * adapter is described. tfjs-backend-webgpu is not bit-reproducible by default: split-K matmuls
 * and scatters add floats with atomics in whatever order the GPU schedules them. Forcing the
 * packed matmul program (WEBGPU_MATMUL_PROGRAM_TYPE = 3, MatMulPackedProgram: one thread owns
 * each output and walks K in order) and summing the embedding gradient as a one-hot matmul
 * made two training runs bit-identical (measured on Mesa lavapipe), at some speed cost.
 */

/** tfjs-backend-webgpu's MatMulProgramType.MatMulPackedProgram (no atomics). */
export const PACKED_MATMUL_PROGRAM = 3;

/** Environment variable choosing the WebGPU mode: unset/1 = deterministic, 0 = fast. */
export const DETERMINISM_ENV = 'DENI_WEBGPU_DETERMINISTIC';

let override: boolean | null = null;

/**
 * Whether WebGPU runs deterministically: setWebgpuDeterministic() if called, else
 * $DENI_WEBGPU_DETERMINISTIC (1/true/on or 0/false/off), else true. A bad value is an error,
 * because silently losing reproducibility would poison the result store.
 */
export function webgpuDeterministic(
  env: Record<string, string | undefined> = process.env
): boolean {
  if (override !== null) {
    return override;
  }
  const raw = env[DETERMINISM_ENV];
  if (raw === undefined || raw === '') {
    return true;
  }
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'on', 'yes'].includes(v)) {
    return true;
  }
  if (['0', 'false', 'off', 'no'].includes(v)) {
    return false;
  }
  throw new Error(
    `${DETERMINISM_ENV}='${raw}' is not valid: use 1 (deterministic, the default) or 0 (faster, not bit-reproducible)`
  );
}

/**
 * Chooses the WebGPU mode for this process (null = back to the environment / default).
 * Takes effect at the next initBackend('webgpu') or configureWebgpu().
 */
export function setWebgpuDeterministic(on: boolean | null): void {
  override = on;
}

/** The sentence stored with a run's back-end reason. */
export function webgpuModeNote(deterministic = webgpuDeterministic()): string {
  return deterministic
    ? 'deterministic mode: packed matmuls, one-hot-matmul scatter'
    : `fast mode: atomics, not bit-reproducible (${DETERMINISM_ENV}=0)`;
}

/**
 * Applies the WebGPU mode to tfjs: the matmul program flag and the ScatterNd kernel. Imports
 * tfjs-backend-webgpu (which registers its flags and kernels) if not yet done. Idempotent;
 * returns the mode note.
 */
export async function configureWebgpu(
  deterministic = webgpuDeterministic()
): Promise<string> {
  await import('@tensorflow/tfjs-backend-webgpu');
  // -1 is tfjs's own default: pick a program per shape, split-K included.
  tf.env().set(
    'WEBGPU_MATMUL_PROGRAM_TYPE',
    deterministic ? PACKED_MATMUL_PROGRAM : -1
  );
  useDeterministicScatter(deterministic);
  return webgpuModeNote(deterministic);
}

/** The fields of a WebGPU adapter's `info` that say what it is. */
export interface IAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}

/**
 * True for CPU-emulated adapters (Mesa lavapipe/llvmpipe, SwiftShader, WARP): usable and
 * correct, but no faster than wasm, so `auto` does not pick them.
 */
export function isSoftwareAdapter(
  info: IAdapterInfoLike | undefined,
  isFallbackAdapter = false
): boolean {
  if (isFallbackAdapter) {
    return true;
  }
  if (!info) {
    return false;
  }
  if ((info.architecture ?? '').toLowerCase() === 'software') {
    return true;
  }
  const text = `${info.vendor ?? ''} ${info.device ?? ''} ${info.description ?? ''}`;
  return /llvmpipe|lavapipe|swiftshader|microsoft basic render/i.test(text);
}

/** One line naming an adapter, e.g. `nvidia ampere (NVIDIA A100 ...)`. */
export function describeAdapter(info: IAdapterInfoLike | undefined): string {
  if (!info) {
    return 'unknown adapter';
  }
  const head = [info.vendor, info.architecture].filter(Boolean).join(' ');
  const body = info.description || info.device || '';
  return (
    [head, body ? `(${body})` : ''].filter(Boolean).join(' ') ||
    'unnamed adapter'
  );
}
