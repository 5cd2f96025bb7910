import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTinyModel, makeToySet } from './testing/tiny-model';
import { Rng } from '../random';
import {
  ADAM_DEFAULTS,
  batchOrder,
  classificationMetrics,
  CostMeter,
  disposeBatch,
  dropoutMask,
  isOutOfMemory,
  majorityVote,
  makeBatch,
  NonFiniteLossError,
  predict,
  TrainingMember,
  totalSteps
} from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('batches', () => {
  it('shuffles every epoch from the order generator and covers every sample once per epoch', () => {
    const order = batchOrder(new Rng(3), 20, 3, 8);
    expect(order).toHaveLength(totalSteps(20, 3, 8));
    expect(order.map(b => b.length)).toEqual([8, 8, 4, 8, 8, 4, 8, 8, 4]);
    for (let e = 0; e < 3; e++) {
      const seen = order
        .slice(e * 3, e * 3 + 3)
        .flat()
        .sort((a, b) => a - b);
      expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
    }
    expect(order.slice(0, 3).flat()).not.toEqual(order.slice(3, 6).flat());
    expect(batchOrder(new Rng(3), 20, 3, 8)).toEqual(order);
    expect(batchOrder(new Rng(4), 20, 3, 8)).not.toEqual(order);
  });

  it('trims a batch to its longest mask', () => {
    const set = makeToySet(new Rng(1), 6, 2, 10);
    const b = makeBatch(set, [0, 1]);
    const lens = [0, 1].map(r =>
      set.mask.subarray(r * 10, r * 10 + 10).reduce((s, x) => s + x, 0)
    );
    expect(b.batch.inputIds.shape).toEqual([2, Math.max(...lens)]);
    disposeBatch(b);
  });
});

describe('dropout', () => {
  it('draws its mask from the generator: same seed same mask, rate respected', () => {
    const a = dropoutMask(new Rng(9), 10000, 0.3);
    const b = dropoutMask(new Rng(9), 10000, 0.3);
    expect(a).toEqual(b);
    const dropped = a.filter(x => x === 0).length / a.length;
    expect(Math.abs(dropped - 0.3)).toBeLessThan(0.02);
    expect(a.find(x => x !== 0)).toBeCloseTo(1 / 0.7, 6);
  });
});

describe('metrics', () => {
  it('computes accuracy, per-class F1 and macro-F1 like scikit-learn', () => {
    // sklearn.metrics.f1_score([0,0,1,1,2,2], [0,1,1,1,0,2], average=None) = [0.5, 0.8, 0.6667]
    const m = classificationMetrics([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 0, 2], 3);
    expect(m.accuracy).toBeCloseTo((100 * 4) / 6, 10);
    expect(m.perClassF1[0]).toBeCloseTo(0.5, 10);
    expect(m.perClassF1[1]).toBeCloseTo(0.8, 10);
    expect(m.perClassF1[2]).toBeCloseTo(2 / 3, 10);
    expect(m.macroF1).toBeCloseTo((100 * (0.5 + 0.8 + 2 / 3)) / 3, 10);
  });

  it('votes by majority with ties to the lowest class', () => {
    expect(
      majorityVote(
        [
          [0, 2, 1],
          [1, 2, 2],
          [1, 0, 0]
        ],
        3
      )
    ).toEqual([1, 2, 0]);
    expect(majorityVote([[2], [1]], 3)).toEqual([1]);
    expect(() => majorityVote([[0], [0, 1]], 2)).toThrow(/length/);
  });
});

describe('TrainingMember', () => {
  it('learns the toy task and is reproducible from its seeds', async () => {
    const train = makeToySet(new Rng(1), 64, 3);
    const test = makeToySet(new Rng(2), 90, 3);
    const runOnce = async (): Promise<{
      preds: Int32Array;
      losses: number[];
    }> => {
      const model = createTinyModel({ numClasses: 3 }, new Rng(5));
      const m = new TrainingMember(model, ADAM_DEFAULTS, new Rng(6));
      const losses: number[] = [];
      const order = batchOrder(new Rng(7), train.size, 8, 8);
      for (let t = 1; t <= order.length; t++) {
        const b = makeBatch(train, order[t - 1]);
        losses.push(
          await m.step(b.batch, b.labels, 0.01, { step: t, strategy: 'test' })
        );
        disposeBatch(b);
      }
      const preds = await predict(model, test);
      m.dispose();
      return { preds, losses };
    };
    const a = await runOnce();
    const b = await runOnce();
    expect(Array.from(a.preds)).toEqual(Array.from(b.preds));
    expect(a.losses).toEqual(b.losses);
    const f1 = classificationMetrics(test.labels, a.preds, 3).macroF1;
    expect(f1).toBeGreaterThan(60);
    expect(a.losses.slice(-8).reduce((s, x) => s + x, 0)).toBeLessThan(
      a.losses.slice(0, 8).reduce((s, x) => s + x, 0)
    );
  });

  it('stops on a NaN loss naming step, learning rate and strategy, without changing weights', async () => {
    const model = createTinyModel({ numClasses: 2 }, new Rng(5));
    const m = new TrainingMember(model, ADAM_DEFAULTS, new Rng(6));
    const w = model.trainable.get('classifier.weight') as tf.Variable;
    w.assign(tf.fill(w.shape, NaN));
    const set = makeToySet(new Rng(1), 8, 2);
    const b = makeBatch(set, [0, 1, 2]);
    const before = await model.trainable.get('classifier.bias')?.data();
    const err = await m
      .step(b.batch, b.labels, 0.05, { step: 17, strategy: 'deni' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect(String((err as Error).message)).toMatch(
      /step 17.*learning rate 0\.05.*'deni'/
    );
    expect(await model.trainable.get('classifier.bias')?.data()).toEqual(
      before
    );
    disposeBatch(b);
    m.dispose();
  });

  it('copies get their own variables and a fresh optimiser; the original keeps its state', async () => {
    const model = createTinyModel({ numClasses: 2 }, new Rng(5));
    const m = new TrainingMember(model, ADAM_DEFAULTS, new Rng(6));
    const set = makeToySet(new Rng(1), 8, 2);
    const b = makeBatch(set, [0, 1, 2, 3]);
    await m.step(b.batch, b.labels, 0.01, { step: 1, strategy: 'test' });
    const c = m.copy(ADAM_DEFAULTS, new Rng(8), 'copy');
    expect(c.optimizer.steps).toBe(0);
    expect(m.optimizer.steps).toBe(1);
    expect(c.model.trainable.get('classifier.weight')).not.toBe(
      m.model.trainable.get('classifier.weight')
    );
    const before = Array.from(
      await m.model.trainable.get('classifier.weight')!.data()
    );
    await c.step(b.batch, b.labels, 0.01, { step: 2, strategy: 'test' });
    expect(
      Array.from(await m.model.trainable.get('classifier.weight')!.data())
    ).toEqual(before);
    disposeBatch(b);
    c.dispose();
    m.dispose();
  });
});

describe('cost meter and errors', () => {
  it('counts steps and passes and tracks memory peaks', async () => {
    const meter = new CostMeter();
    meter.addSteps(3);
    meter.addTestPasses(10);
    const big = tf.zeros([1000, 100]);
    meter.sample();
    big.dispose();
    const c = meter.snapshot();
    expect(c.modelSteps).toBe(3);
    expect(c.testForwardPasses).toBe(10);
    expect(c.peakTensorBytes).toBeGreaterThanOrEqual(400000);
    expect(c.peakRssBytes).toBeGreaterThan(0);
  });

  it('recognises out-of-memory errors', () => {
    expect(
      isOutOfMemory(new RangeError('Array buffer allocation failed'))
    ).toBe(true);
    expect(
      isOutOfMemory(new Error('WebAssembly.Memory(): could not grow memory'))
    ).toBe(true);
    expect(isOutOfMemory(new Error('shape mismatch'))).toBe(false);
  });
});
