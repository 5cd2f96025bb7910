import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tensorflowBindingStatus } from './native-tensorflow';

/*
 * The binding scripts/setup.sh builds with scripts/tfjs-node-async-eager.patch, under the load
 * that broke it: JS arrays uploaded as op inputs and their JS handles dropped while the op still
 * waits in TensorFlow's executor queue. The executor thread then holds the last reference to the
 * upload. Had the upload shared V8's memory, releasing it there would call into V8 off Node's
 * thread (seen as "Check failed: node->IsInUse()" and as garbage op inputs, e.g. "Invalid
 * reduction dimension (1077313072 ..."). TFJS_NODE_ASYNC_VERIFY=1 makes the binding abort on any
 * such release, so the test fails every time the copy is missing, not only when V8 happens to
 * crash.
 */

const STRESS = `
const tf = require(process.env.DENI_TEST_TFJS_NODE);
const big = tf.randomNormal([256, 256], 0, 1, 'float32', 1);
let total = 0;
for (let i = 0; i < 60; i++) {
  // Keeps the executor busy, so the small uploads below are consumed (and released) there.
  let h = big;
  for (let k = 0; k < 3; k++) { const next = tf.matMul(h, big); if (h !== big) h.dispose(); h = next; }
  h.dispose();
  let acc = tf.scalar(0);
  for (let u = 0; u < 20; u++) {
    const data = new Float32Array(256);
    for (let j = 0; j < data.length; j++) data[j] = ((i + j + u) % 7) - 3;
    const x = tf.tensor1d(data);
    const s = tf.sum(x, 0);
    const next = tf.add(acc, s);
    x.dispose(); s.dispose(); acc.dispose(); acc = next;
  }
  total += acc.dataSync()[0];
  acc.dispose();
}
console.log(JSON.stringify({ total, asyncEager: tf.backend().binding.isAsyncEager === true }));
`;

async function stress(
  dir: string,
  asyncMode: '0' | '1'
): Promise<{ total: number; asyncEager: boolean }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-e', STRESS],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        DENI_TEST_TFJS_NODE: dir,
        TFJS_NODE_ASYNC: asyncMode,
        TFJS_NODE_ASYNC_VERIFY: asyncMode,
        TF_NUM_INTRAOP_THREADS: '1',
        TF_NUM_INTEROP_THREADS: '1',
        TF_CPP_MIN_LOG_LEVEL: '2'
      }
    }
  );
  return JSON.parse(stdout.trim().split('\n').pop() as string) as {
    total: number;
    asyncEager: boolean;
  };
}

const status = tensorflowBindingStatus();
const ready = status.built && status.asyncEager;
describe.skipIf(!ready)(
  `async eager binding${ready ? '' : ' (skipped: no tfjs-node built with scripts/tfjs-node-async-eager.patch; run scripts/setup.sh)'}`,
  () => {
    it("inputs uploaded from JS and dropped while queued are released on Node's thread, with the values of sync mode", async () => {
      if (!status.built) {
        return;
      }
      const sync = await stress(status.dir, '0');
      const async_ = await stress(status.dir, '1');
      expect(sync.asyncEager).toBe(false);
      expect(async_.asyncEager).toBe(true);
      expect(Number.isFinite(sync.total)).toBe(true);
      expect(async_.total).toBe(sync.total);
    }, 120_000);
  }
);
