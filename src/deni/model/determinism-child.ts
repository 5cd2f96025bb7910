// Child process of determinism.test.ts: trains a few seeded steps (with dropout) and prints a
// hash of the logits and every weight, then the back-end's reason line (which names the wasm
// threads). Usage: tsx determinism-child.ts BACKEND MODEL_DIR
import * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { initBackend, parseBackendName } from '../backend';
import { Rng } from '../random';
import { encodeBatch } from '../text';
import { batchTensors, forward, initHead, loadModel } from './index';

async function main(): Promise<void> {
  const [backend, dir] = process.argv.slice(2);
  const choice = await initBackend(parseBackendName(backend));
  const model = await loadModel(dir);
  const init = new Rng(21);
  const dropoutRng = new Rng(22);
  const vars = new Map<string, tf.Variable>();
  for (const [name, t] of [
    ...model.weights,
    ...initHead(model.config, 4, init, model.weights)
  ]) {
    vars.set(name, tf.variable(t, true));
  }
  const dropout = (x: tf.Tensor, rate: number): tf.Tensor => {
    const keep = dropoutRng
      .uniformArray(x.size)
      .map(u => (u >= rate ? 1 / (1 - rate) : 0));
    return tf.mul(x, tf.tensor(keep, x.shape));
  };
  const texts = [
    'a first text',
    'the second one is longer than the first',
    'third',
    'fourth text here'
  ];
  const batch = batchTensors(
    encodeBatch(model.tokenizer, texts, undefined, 16)
  );
  const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 4);
  const opt = tf.train.adam(1e-3);
  const hash = createHash('sha256');
  for (let step = 0; step < 3; step++) {
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
    )!;
    hash.update(new Uint8Array((await loss.data()).buffer));
  }
  const { logits } = forward(model.config, vars, batch, { training: false });
  hash.update(new Uint8Array((await logits.data()).buffer));
  for (const [name, v] of [...vars].sort(([a], [b]) => (a < b ? -1 : 1))) {
    hash.update(name);
    hash.update(new Uint8Array((await v.data()).buffer));
  }
  process.stdout.write(`${hash.digest('hex')}\n${choice.reason}\n`);
}

main().catch(e => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
