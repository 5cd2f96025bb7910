// Child process of native-tensorflow.test.ts (test support, not public API): bundled into a
// scratch application folder whose node_modules holds (or lacks) @tensorflow/tfjs-node(-gpu),
// it starts the requested back-end through the real probe and prints JSON: the choice and a
// small matmul computed on it, or the error.
// Usage: node child.mjs BACKEND
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, parseBackendName } from './index';

async function main(): Promise<void> {
  const requested = process.argv[2] ?? 'auto';
  try {
    const choice = await initBackend(parseBackendName(requested));
    const value = await tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).data();
    process.stdout.write(
      `${JSON.stringify({
        ...choice,
        active: tf.getBackend(),
        value: Array.from(value),
        tfEnv: (globalThis as { __deniTfEnv?: unknown }).__deniTfEnv
      })}\n`
    );
  } catch (e) {
    process.stdout.write(
      `${JSON.stringify({ error: (e as Error).message })}\n`
    );
  }
}

main().then(
  () => process.exit(0),
  e => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  }
);
