import {
  BACKEND_NAMES,
  BACKEND_PREFERENCE,
  type BackendName
} from '../contract/backends';

export { BACKEND_NAMES, BACKEND_PREFERENCE, type BackendName };

/** Result of probing one back-end: usable, or why not (shown to the user). */
export type Availability =
  | {
      ok: true;
      detail: string;
      /** Usable when asked for by name, but `auto` passes it over for this reason
       *  (e.g. a software WebGPU adapter, no faster than wasm). */
      autoSkip?: string;
    }
  | { ok: false; why: string };

/** Tells whether each optional back-end can start here; injectable so selection is testable. */
export interface IBackendProbe {
  tensorflow(): Promise<Availability>;
  webgpu(): Promise<Availability>;
}

/** Which back-end to start, and a sentence saying why (logged and stored with each run). */
export interface IBackendChoice {
  name: Exclude<BackendName, 'auto'>;
  reason: string;
}

// How to get an optional back-end onto a machine (named when one is asked for but missing).
const HOW_TO_GET: Record<'tensorflow' | 'webgpu', string> = {
  tensorflow:
    "bash scripts/setup.sh builds @tensorflow/tfjs-node(-gpu) against the venv's TensorFlow",
  webgpu:
    "npm install webgpu@0.6.2 (Dawn) and a Vulkan driver it accepts (Mesa 25+ or NVIDIA's)"
};

/** Throws a clear error unless `name` is a back-end name. */
export function parseBackendName(name: string): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(name)) {
    return name as BackendName;
  }
  throw new Error(
    `Unknown back-end '${name}': valid back-ends are ${BACKEND_NAMES.join(', ')}`
  );
}

/**
 * Decides which back-end to start. wasm and cpu are always available (they ship with the
 * package); tensorflow (native TF via tfjs-node) and webgpu (Dawn) only when the probe says so.
 * An explicit request for an unavailable back-end is an error naming why, never a silent
 * fallback: results from different back-ends are not bit-identical.
 */
export async function chooseBackend(
  requested: BackendName,
  probe: IBackendProbe
): Promise<IBackendChoice> {
  if (requested === 'wasm') {
    return {
      name: 'wasm',
      reason: 'requested wasm (WebAssembly SIMD, the default)'
    };
  }
  if (requested === 'cpu') {
    return {
      name: 'cpu',
      reason: 'requested cpu (plain JavaScript, slow; the test oracle)'
    };
  }
  if (requested === 'tensorflow' || requested === 'webgpu') {
    const a = await probe[requested]();
    if (!a.ok) {
      // Also what a sweep's worker says when its run names a back-end this machine lacks (the
      // sweep's `auto` is resolved where the sweep starts): the run fails, never runs elsewhere.
      throw new Error(
        `Back-end '${requested}' is not available: ${a.why}. To run on it here: ${HOW_TO_GET[requested]} ` +
          "(`deni doctor` says what is missing); or name another back-end in the spec ('wasm' runs everywhere)."
      );
    }
    return { name: requested, reason: `requested ${requested} (${a.detail})` };
  }
  const skipped: string[] = [];
  for (const name of ['tensorflow', 'webgpu'] as const) {
    const a = await probe[name]();
    if (a.ok && !a.autoSkip) {
      const before = skipped.length ? `; skipped ${skipped.join('; ')}` : '';
      return {
        name,
        reason: `auto: ${name} is the fastest available (${a.detail})${before}`
      };
    }
    skipped.push(`${name}: ${a.ok ? a.autoSkip : a.why}`);
  }
  return {
    name: 'wasm',
    reason: `auto: wasm (WebAssembly SIMD), the fastest available; skipped ${skipped.join('; ')}`
  };
}
