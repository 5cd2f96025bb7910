// Child process of determinism.test.ts and backend/webgpu.test.ts (test support, not exported):
// trains a few seeded steps (Adam, dropout, embeddings trainable so the scatter gradient runs) of
// a model folder on one back-end, prints JSON {backend, reason, losses, sha256} (the hash covers
// the losses' run and every final weight) and, given OUT_FILE, writes the final weights there
// (sorted by name, float32, concatenated).
// Usage: tsx train-child.ts BACKEND MODEL_DIR [OUT_FILE|-] [STEPS]
import * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { initBackend, parseBackendName } from '../../backend';
import { Rng } from '../../random';
import { encodeBatch } from '../../text';
import { batchTensors, forward, initHead, loadModel } from '../index';

async function main(): Promise<void> {
  const [backend, dir, outFile, stepsArg] = process.argv.slice(2);
  if (!backend || !dir) {
    throw new Error(
      'usage: train-child.ts BACKEND MODEL_DIR [OUT_FILE|-] [STEPS]'
    );
  }
  const steps = Number(stepsArg ?? 3);
  const choice = await initBackend(parseBackendName(backend));
  const model = await loadModel(dir);
  const init = new Rng(31);
  const dropoutRng = new Rng(32);
  const vars = new Map<string, tf.Variable>();
  for (const [name, t] of [
    ...model.weights,
    ...initHead(model.config, 3, init, model.weights)
  ]) {
    vars.set(name, tf.variable(t, true));
  }
  const dropout = (x: tf.Tensor, rate: number): tf.Tensor => {
    const keep = dropoutRng
      .uniformArray(x.size)
      .map(u => (u >= rate ? 1 / (1 - rate) : 0));
    return tf.mul(x, tf.tensor(keep, x.shape));
  };
  // Repeated words so the embedding gradient sums several updates into one row.
  const texts = [
    'the cat sat on the mat and the cat slept',
    'a dog and a cat and a bird',
    'the the the same word again and again',
    'short text',
    'fine tuning is unstable across random seeds, the paper says',
    'the end'
  ];
  const batch = batchTensors(
    encodeBatch(model.tokenizer, texts, undefined, 16)
  );
  const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3);
  const opt = tf.train.adam(1e-3);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = opt.minimize(
      () => {
        const { logits } = forward(model.config, vars, batch, {
          training: true,
          dropout
        });
        return tf.neg(
          tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1))
        ) as tf.Scalar;
      },
      true,
      [...vars.values()]
    );
    if (!loss) {
      throw new Error('optimizer returned no loss');
    }
    losses.push((await loss.data())[0]);
    loss.dispose();
  }
  const hash = createHash('sha256');
  const parts: Buffer[] = [];
  for (const [name, v] of [...vars].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const bytes = Buffer.from((await v.data()).buffer);
    hash.update(name);
    hash.update(bytes);
    parts.push(bytes);
  }
  if (outFile && outFile !== '-') {
    writeFileSync(outFile, Buffer.concat(parts));
  }
  process.stdout.write(
    `${JSON.stringify({ backend: choice.name, reason: choice.reason, losses, sha256: hash.digest('hex') })}\n`
  );
}

main().catch(e => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
