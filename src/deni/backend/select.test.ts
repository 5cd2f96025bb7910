import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import {
  type Availability,
  type IBackendProbe,
  chooseBackend,
  parseBackendName
} from './select';
import { initBackend } from './init';

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
const yes = (detail: string): Availability => ({ ok: true, detail });
const no = (why: string): Availability => ({ ok: false, why });

describe('chooseBackend', () => {
  it('auto prefers native tensorflow, then webgpu, then wasm', async () => {
    expect(
      (await chooseBackend('auto', probe(yes('tf'), yes('gpu')))).name
    ).toBe('tensorflow');
    const gpu = await chooseBackend(
      'auto',
      probe(no('not installed'), yes('Dawn'))
    );
    expect(gpu.name).toBe('webgpu');
    expect(gpu.reason).toMatch(/not installed/);
    const w = await chooseBackend(
      'auto',
      probe(no('not installed'), no('no adapter'))
    );
    expect(w.name).toBe('wasm');
    expect(w.reason).toMatch(/no adapter/);
    expect(w.reason).toMatch(/not installed/);
  });

  it('does not probe optional back-ends for wasm or cpu', async () => {
    const p = probe(yes('tf'), yes('gpu'));
    expect((await chooseBackend('wasm', p)).name).toBe('wasm');
    expect((await chooseBackend('cpu', p)).name).toBe('cpu');
    expect(p.calls).toEqual([]);
  });

  it('fails clearly when an explicit back-end is unavailable', async () => {
    await expect(
      chooseBackend('webgpu', probe(yes('tf'), no('no adapter here')))
    ).rejects.toThrow(/webgpu.*no adapter here/);
    await expect(
      chooseBackend('tensorflow', probe(no('missing tfjs-node'), yes('x')))
    ).rejects.toThrow(/tensorflow.*missing tfjs-node/);
  });

  it('says how to get a missing back-end (what a worker says when its run names one it lacks)', async () => {
    await expect(
      chooseBackend('tensorflow', probe(no('missing tfjs-node'), yes('x')))
    ).rejects.toThrow(
      /^Back-end 'tensorflow' is not available: missing tfjs-node\. To run on it here: bash scripts\/setup\.sh builds @tensorflow\/tfjs-node/
    );
    await expect(
      chooseBackend('webgpu', probe(yes('tf'), no('no adapter')))
    ).rejects.toThrow(/To run on it here: npm install webgpu@/);
  });

  it('rejects unknown names with the valid list', () => {
    expect(() => parseBackendName('cuda')).toThrow(/'cuda'.*wasm/);
    expect(parseBackendName('cpu')).toBe('cpu');
  });
});

describe('initBackend', () => {
  it('starts wasm from local files and computes', async () => {
    const r = await initBackend('wasm');
    expect(r.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(
      Array.from(tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).dataSync())
    ).toEqual([3, 3, 3, 3]);
    const c = await initBackend('cpu');
    expect(c.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect((await initBackend('wasm')).name).toBe('wasm'); // switching back works
    expect(tf.getBackend()).toBe('wasm');
  });
});
