import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { Rng } from '../random';
import { encodeBatch } from '../text';
import {
  batchTensors,
  forward,
  initHead,
  loadModel,
  readSafetensors
} from './index';
import {
  fixtureModel,
  maxAbsDiff,
  reference,
  scratchFile,
  SENTENCES
} from './testing/fixtures';

// One full fine-tuning step (every tensor trains) of ours vs PyTorch from identical weights:
// the updated weights must agree within 1e-4. SGD with a large rate exposes gradient errors
// directly; Adam is the paper's optimiser.
const CASES = [
  { model: 'tiny-bert', optimizer: 'sgd', lr: 0.5, steps: 2 },
  { model: 'tiny-roberta', optimizer: 'sgd', lr: 0.5, steps: 2 },
  { model: 'tiny-albert', optimizer: 'sgd', lr: 0.5, steps: 2 },
  { model: 'tiny-albert', optimizer: 'adam', lr: 1e-3, steps: 2 },
  { model: 'minilm-l6', optimizer: 'sgd', lr: 0.5, steps: 1 }
] as const;
const TEXTS = SENTENCES.slice(2, 10);
const LABELS = [0, 1, 2, 1, 0, 2, 2, 1];
const MAX_LENGTH = 20;

interface IPrepared {
  out: string;
  head: Map<string, tf.Tensor>;
  losses: number[];
}
const prepared = new Map<number, IPrepared>();

beforeAll(async () => {
  await initBackend('wasm');
  const requests = [];
  for (const [i, c] of CASES.entries()) {
    const dir = fixtureModel(c.model);
    const model = await loadModel(dir);
    const head = initHead(model.config, 3, new Rng(11), model.weights);
    const enc = encodeBatch(model.tokenizer, TEXTS, undefined, MAX_LENGTH);
    const rows = (a: Int32Array): number[][] =>
      Array.from({ length: enc.batch }, (_, r) =>
        Array.from(a.subarray(r * MAX_LENGTH, (r + 1) * MAX_LENGTH))
      );
    const out = scratchFile(`step-${i}.safetensors`);
    prepared.set(i, { out, head, losses: [] });
    requests.push({
      mode: 'step',
      dir,
      ids: rows(enc.ids),
      mask: rows(enc.mask),
      labels: LABELS,
      optimizer: c.optimizer,
      lr: c.lr,
      steps: c.steps,
      out,
      head: Object.fromEntries(
        [...head].map(([n, t]) => [
          n,
          { shape: t.shape, data: Array.from(t.dataSync()) }
        ])
      )
    });
  }
  const answers = reference<{ loss: number[] }[]>({ mode: 'many', requests });
  answers.forEach((a, i) => (prepared.get(i)!.losses = a.loss));
});

describe('one training step vs PyTorch', () => {
  it.each(
    CASES.map(
      (c, i) => [`${c.model} ${c.optimizer} lr=${c.lr} x${c.steps}`, i] as const
    )
  )('%s: updated weights within 1e-4', async (_label, i) => {
    const c = CASES[i];
    const p = prepared.get(i)!;
    const model = await loadModel(fixtureModel(c.model));
    const vars = new Map<string, tf.Variable>();
    for (const [name, t] of [...model.weights, ...p.head]) {
      vars.set(name, tf.variable(t, true));
    }
    const batch = batchTensors(
      encodeBatch(model.tokenizer, TEXTS, undefined, MAX_LENGTH)
    );
    const labels = tf.oneHot(tf.tensor1d(LABELS, 'int32'), 3);
    const opt =
      c.optimizer === 'sgd'
        ? tf.train.sgd(c.lr)
        : tf.train.adam(c.lr, 0.9, 0.999, 1e-8);
    const losses: number[] = [];
    for (let s = 0; s < c.steps; s++) {
      const loss = opt.minimize(
        () => {
          const { logits } = forward(model.config, vars, batch, {
            training: true
          });
          return tf.neg(
            tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1))
          ) as tf.Scalar;
        },
        true,
        [...vars.values()]
      )!;
      losses.push(loss.dataSync()[0]);
    }
    expect(maxAbsDiff(losses, p.losses)).toBeLessThan(1e-4);
    const ref = (await readSafetensors(p.out)).tensors;
    let worst = { name: '', diff: 0 };
    for (const [name, v] of vars) {
      const r = ref.get(name);
      expect(r, `reference lacks ${name}`).toBeDefined();
      const diff = maxAbsDiff(v.dataSync(), r!.data);
      if (diff > worst.diff) {
        worst = { name, diff };
      }
    }
    expect(worst.diff, `worst tensor ${worst.name}`).toBeLessThan(1e-4);
    // The step really moved the weights (the comparison is not vacuous).
    const before = p.head.get('classifier.weight')!.dataSync();
    expect(
      maxAbsDiff(before, vars.get('classifier.weight')!.dataSync())
    ).toBeGreaterThan(1e-5);
  });
});
