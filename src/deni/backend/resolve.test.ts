import { describe, expect, it } from 'vitest';
import { BACKEND_PREFERENCE } from '../contract/backends';
import { describeResolvedBackend, resolveBackend } from './resolve';
import { chooseBackend, type Availability, type IBackendProbe } from './select';

const no = (why: string): Availability => ({ ok: false, why });
const yes = (detail: string): Availability => ({ ok: true, detail });

function probe(
  tensorflow: Availability,
  webgpu: Availability
): IBackendProbe & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    tensorflow: async () => {
      calls.push('tensorflow');
      return tensorflow;
    },
    webgpu: async () => {
      calls.push('webgpu');
      return webgpu;
    }
  };
}

describe('resolveBackend: what a sweep`s back-end stands for', () => {
  it('returns a concrete name as it is, without probing (the workers may be other machines)', async () => {
    const p = probe(no('not here'), no('not here'));
    for (const name of BACKEND_PREFERENCE) {
      expect(await resolveBackend(name, { probe: p })).toEqual({
        requested: name,
        name,
        reason: 'named in the spec'
      });
    }
    expect(p.calls).toEqual([]);
  });

  it("turns auto into chooseBackend's pick, with its reason", async () => {
    const wasm = await resolveBackend('auto', {
      probe: probe(no('no tfjs-node here'), no('no adapter'))
    });
    expect(wasm).toMatchObject({ requested: 'auto', name: 'wasm' });
    expect(wasm.reason).toMatch(/no tfjs-node here/);
    expect(describeResolvedBackend(wasm)).toMatch(
      /^backend auto -> wasm: wasm \(WebAssembly SIMD\), the fastest available; skipped tensorflow: no tfjs-node here/
    );
    const tf = await resolveBackend('auto', {
      probe: probe(yes('native TF'), no('no adapter'))
    });
    expect(tf.name).toBe('tensorflow');
    expect(describeResolvedBackend({ ...tf, requested: 'tensorflow' })).toBe(
      'backend tensorflow'
    );
  });

  it('asks a child process once per process, and it picks what the engine picks in-process', async () => {
    const first = resolveBackend('auto');
    // Kept for the process: the same answer, no second child.
    expect(resolveBackend('auto')).toBe(first);
    const child = await first;
    expect(child.requested).toBe('auto');
    expect(BACKEND_PREFERENCE).toContain(child.name);
    // The same probe and selection in this process (loads tfjs-node here, which a sweep never does).
    const { defaultProbe } = await import('./init');
    const here = await chooseBackend('auto', defaultProbe);
    expect(child.name).toBe(here.name);
  }, 120_000);
});
