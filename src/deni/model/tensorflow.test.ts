import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  initBackend,
  runtimeVersions,
  tensorflowBindingStatus
} from '../backend';
import { defineTrainStepTests } from './testing/train-step-cases';

/*
 * The native TensorFlow back-end for real (tfjs-node built by scripts/setup.sh against the venv's
 * PyPI TensorFlow): the engine's training step agrees with PyTorch as on wasm, and a run records
 * TensorFlow's version and threads. Skipped, saying why, where the binding is not built (setup
 * builds it; CI runs setup first, so CI runs these).
 */
const status = tensorflowBindingStatus();
const title = status.built
  ? `native tensorflow (${status.at})`
  : `native tensorflow (skipped: ${status.why})`;

describe.skipIf(!status.built)(title, () => {
  defineTrainStepTests('tensorflow');

  it('starts through the built binding and records TensorFlow, its threads and the device', async () => {
    const choice = await initBackend('tensorflow');
    expect(tf.getBackend()).toBe('tensorflow');
    expect(choice.reason).toMatch(
      /native TensorFlow \d+\.\d+\.\d+ through @tensorflow\/tfjs-node(-gpu)? on the (CPU|GPU), \d+ intra-op threads?/
    );
    const v = runtimeVersions();
    expect(v.backend).toBe('tensorflow');
    expect(v.tensorflow).toMatch(/^\d+\.\d+\.\d+/);
    expect(v.threads).toMatch(/^\d+$/);
    expect(process.env.TF_NUM_INTRAOP_THREADS).toBe(v.threads);
  });
});
