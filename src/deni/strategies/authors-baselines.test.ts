/**
 * Issue #17 section 1: the baselines as the authors ran them (PAPER.md). Each test pins one
 * point and failed on the behaviour before the fix.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initHead } from '../model';
import { getTuningMethod } from '../peft';
import { randomBackbone, tinyConfig } from '../peft/testing';
import { deriveSeeds, Rng } from '../random';
import { strategyLabel as reportLabel } from '../report/groups';
import { strategyLabel as storeLabel } from '../contract/labels';
import { CostMeter, type ITrainableModel } from '../train';
import { createTinyModel, makeToySet } from '../train/testing/tiny-model';
import { getStrategy } from './index';
import type { IStrategyContext, ParamValue } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const TRAIN = makeToySet(new Rng(1), 48, 3);
const TEST = makeToySet(new Rng(2), 30, 3);
const SEEDS = deriveSeeds(11, 0);

function context(
  params: Record<string, ParamValue>,
  extra: Partial<IStrategyContext> = {}
): IStrategyContext {
  return {
    params,
    train: TRAIN,
    test: TEST,
    samples: 48,
    epochs: 4,
    batchSize: 8,
    learningRate: 0.01,
    seeds: SEEDS,
    createModel: r => createTinyModel({ numClasses: 3 }, r),
    meter: new CostMeter(),
    ...extra
  };
}

function snapshot(m: ITrainableModel): Map<string, number[]> {
  return new Map(
    [...m.trainable].map(([n, v]) => [n, Array.from(v.dataSync())])
  );
}

describe('noise baselines: the authors schedule (PAPER.md baselines 3 and 4)', () => {
  it('noisy steps from floor(0.3 T), every 27th step, before 0.9 T: 28 at T = 1250', () => {
    const paper = { samples: 1000, epochs: 10, batchSize: 8 };
    const input = getStrategy('input-noise').plan(paper);
    const steps = input.events.filter(e => e.kind === 'input-noise');
    expect(steps.map(e => e.step)).toEqual(
      Array.from({ length: 28 }, (_, i) => 375 + 27 * i)
    );
    // N(0, s2) on the pooled representation: std sqrt(0.15) = 0.387, not annealed
    expect(steps.every(e => e.multiplier === Math.sqrt(0.15))).toBe(true);
    const weight = getStrategy('weight-noise').plan(paper);
    const w = weight.events.filter(e => e.kind === 'weight-noise');
    expect(w.map(e => e.step)).toEqual(steps.map(e => e.step));
    expect(w.map(e => e.multiplier)).toEqual(
      w.map(e => Math.sqrt(0.15 / e.step))
    );
  });

  it('input noise: N(0, s2) on the pooled output and only the head learns on a noisy step', async () => {
    const changed = new Map<number, string[]>();
    let before = new Map<string, number[]>();
    let pooledNoise = 0;
    await getStrategy('input-noise').run(
      context(
        { clean: 3 },
        {
          createModel: r => {
            const m = createTinyModel({ numClasses: 3 }, r);
            const logits = m.logits.bind(m);
            return {
              ...m,
              logits: (b, o, ov) => {
                if (o.pooledOutput) {
                  const x = tf.zeros([200, 50]);
                  const y = o.pooledOutput(x);
                  // zero input: y is the noise itself, std sqrt(0.15)
                  const std = Math.sqrt(tf.moments(y).variance.dataSync()[0]);
                  pooledNoise = std;
                  tf.dispose([x, y]);
                }
                expect(o.inputEmbeddings).toBeUndefined();
                return logits(b, o, ov);
              }
            };
          },
          observe: (phase, e, st) => {
            if (phase !== 'step') {
              return;
            }
            const now = snapshot(st.main.model);
            if (before.size > 0) {
              changed.set(
                e.step,
                [...now]
                  .filter(([n, v]) => v.join() !== before.get(n)?.join())
                  .map(([n]) => n)
              );
            }
            before = now;
          }
        }
      )
    );
    expect(pooledNoise).toBeGreaterThan(0.36);
    expect(pooledNoise).toBeLessThan(0.41);
    // T = 24: noisy steps 7, 12, 17 (clean 3: every 5th step) before 21.6
    for (const t of [7, 12, 17]) {
      expect(changed.get(t)).toEqual(['classifier.weight', 'classifier.bias']);
    }
    expect(changed.get(8)).toHaveLength(5);
  });

  it("today's annealed embedding noise stays as the variant 'embeddings'", () => {
    const p = getStrategy('input-noise').plan({
      samples: 1000,
      epochs: 10,
      batchSize: 8,
      params: { variant: 'embeddings' }
    });
    const first = p.events.find(e => e.kind === 'input-noise');
    expect(first).toEqual({
      step: 375,
      kind: 'input-noise',
      multiplier: Math.sqrt(0.15 / 375),
      models: 1
    });
  });

  it('weight noise goes into the weights before the noisy step', async () => {
    const def = await getStrategy('default').run(context({}));
    const noisy = await getStrategy('weight-noise').run(context({ clean: 3 }));
    // step 7 is the first noisy step: its loss already sees the noisy head
    expect(noisy.losses.slice(0, 6)).toEqual(def.losses.slice(0, 6));
    expect(noisy.losses[6]).not.toBe(def.losses[6]);
  });
});

describe('noise targets of full fine-tuning', () => {
  it('are the classifier weight and bias only, for every architecture', () => {
    for (const arch of ['bert', 'roberta', 'albert'] as const) {
      const config = tinyConfig(arch);
      const state = getTuningMethod('full').prepare(
        config,
        randomBackbone(config),
        3,
        new Rng(1)
      );
      expect(state.noiseTargets()).toEqual([
        'classifier.weight',
        'classifier.bias'
      ]);
      state.dispose();
    }
  });
});

describe('extras and settings as the authors ran them', () => {
  it('EMA: decay 0.999 without warm-up by default; warm-up is an option', () => {
    expect(getStrategy('ema').resolveParams()).toMatchObject({
      decay: 0.999,
      warmup: false
    });
    expect(getStrategy('ema').resolveParams({ warmup: true }).warmup).toBe(
      true
    );
  });

  it('best practices: weight decay 0 (the authors effective value)', () => {
    const p = getStrategy('best-practices').plan({
      samples: 1000,
      epochs: 10,
      batchSize: 8
    });
    expect(p.optimizer.kind).toBe('adamw');
    expect(p.optimizer.weightDecay).toBe(0);
  });

  it('prior noise: Gaussian sqrt(s2) x std(W) x N(0, 1) by default; NoisyTune uniform as an option', async () => {
    let before = new Map<string, number[]>();
    let after = new Map<string, number[]>();
    await getStrategy('prior-noise').run(
      context(
        {},
        {
          observe: (phase, e, st) => {
            if (e.kind === 'prior-noise') {
              if (phase === 'before') {
                before = snapshot(st.main.model);
              } else {
                after = snapshot(st.main.model);
              }
            }
          }
        }
      )
    );
    // the noise stream's first draws, scaled by sqrt(0.15) x std(W) (unbiased std, like torch)
    const rng = new Rng(SEEDS.noise);
    for (const [n, w] of before) {
      const mean = w.reduce((a, b) => a + b, 0) / w.length;
      const std = Math.sqrt(
        w.reduce((a, b) => a + (b - mean) ** 2, 0) / (w.length - 1)
      );
      const z = rng.normalArray(w.length, 0, Math.sqrt(0.15) * std);
      const got = after.get(n)!;
      w.forEach((x, i) => expect(got[i]).toBeCloseTo(x + z[i], 5));
    }
    const uniform = getStrategy('prior-noise').plan({
      samples: 48,
      epochs: 4,
      batchSize: 8,
      params: { distribution: 'uniform' }
    });
    expect(uniform.events[0]).toMatchObject({
      kind: 'prior-noise',
      multiplier: 0.15
    });
  });

  it('the classifier head starts like torch nn.Linear: weight and bias U(-1/sqrt(hidden), 1/sqrt(hidden))', () => {
    const config = tinyConfig('bert');
    const head = initHead(config, 3, new Rng(9));
    const bound = 1 / Math.sqrt(config.hiddenSize);
    const rng = new Rng(9);
    const w = rng.uniformArray(3 * config.hiddenSize, -bound, bound);
    const b = rng.uniformArray(3, -bound, bound);
    expect(Array.from(head.get('classifier.weight')!.dataSync())).toEqual(
      Array.from(w)
    );
    expect(Array.from(head.get('classifier.bias')!.dataSync())).toEqual(
      Array.from(b)
    );
  });
});

describe('augmentation: paraphrases from the spec, the WordNet fallback labelled', () => {
  it('labels the source in every table: augment(paraphrases) vs augment(wordnet)', () => {
    for (const label of [reportLabel, storeLabel]) {
      expect(label({ name: 'augment' })).toBe('augment(wordnet)');
      expect(label({ name: 'deni-augment', params: { K: 3 } })).toMatch(
        /^deni-augment\(wordnet, K=3\)$/
      );
      expect(
        label({
          name: 'augment',
          params: { paraphrases: '/home/x/para.csv', k: 2 }
        })
      ).toBe('augment(paraphrases, k=2)');
    }
  });

  it('declares the paraphrase file as a parameter of augment and deni-augment', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'deni-para-'));
    const file = path.join(dir, 'p.csv');
    writeFileSync(file, 'text,paraphrase\na,b\n');
    for (const name of ['augment', 'deni-augment']) {
      expect(
        getStrategy(name).resolveParams({ paraphrases: file }).paraphrases
      ).toBe(file);
      expect(getStrategy(name).dataNeeds({ paraphrases: file })).toMatchObject({
        augment: 1,
        paraphrases: file
      });
    }
  });
});
