import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import * as tf from '@tensorflow/tfjs-core';
import { loadModel, resolveModel } from '../model';
import { getTuningMethod } from '../peft';
import { loadTokenizer } from '../text';
import { deriveSeeds } from '../random';
import type { IRunSpec } from '../contract/types';
import { classificationMetrics, CostMeter } from '../train';
import { executeRun, getStrategy, prepareRunData, stateModel } from '.';

const repoRoot = path.resolve(__dirname, '../../..');
const tinyBert = path.join(repoRoot, 'fixtures/models/tiny-bert');
const minilmReady = await resolveModel('minilm-l6').then(
  () => true,
  () => false
);

function spec(over: Partial<IRunSpec>): IRunSpec {
  return {
    key: 'test',
    sweep: 'test',
    dataset: 'uci-sentiment',
    model: tinyBert,
    tuning: 'full',
    strategy: { name: 'default' },
    budget: {
      samples: 32,
      epochs: 2,
      batchSize: 8,
      maxLength: 16,
      testSamples: 40
    },
    backend: 'wasm',
    run: 0,
    seeds: deriveSeeds(7, 0),
    ...over
  };
}

describe('prepareRunData', () => {
  it('augment adds k paraphrases per labelled sample; all-data ignores the budget', async () => {
    const tokenizer = await loadTokenizer(tinyBert);
    const base = await prepareRunData(
      spec({}),
      getStrategy('default').dataNeeds(),
      tokenizer
    );
    expect(base.train.size).toBe(32);
    const aug = await prepareRunData(
      spec({ strategy: { name: 'augment', params: { k: 2 } } }),
      getStrategy('augment').dataNeeds({ k: 2 }),
      tokenizer
    );
    expect(aug.train.size).toBe(96);
    for (let i = 0; i < 32; i++) {
      // each labelled sample, then its 2 paraphrases with the same label
      expect(aug.trainExamples[3 * i]).toEqual(base.trainExamples[i]);
      expect(aug.trainExamples[3 * i + 1].label).toBe(
        base.trainExamples[i].label
      );
      expect(aug.trainExamples[3 * i + 2].label).toBe(
        base.trainExamples[i].label
      );
      expect(aug.trainExamples[3 * i + 1].text).not.toBe(
        base.trainExamples[i].text
      );
    }
    const all = await prepareRunData(
      spec({ strategy: { name: 'all-data' } }),
      getStrategy('all-data').dataNeeds(),
      tokenizer
    );
    // UCI sentiment: 3,000 sentences (minus duplicates), 80 % train
    expect(all.train.size).toBeGreaterThan(2000);
    expect(all.testExamples).toEqual(base.testExamples);
  });
});

describe.skipIf(!existsSync(path.join(tinyBert, 'config.json')))(
  'executeRun',
  () => {
    it('gives bit-identical results for the same spec in two processes (DENI on tiny BERT)', async () => {
      const s = spec({
        strategy: {
          name: 'deni',
          params: { K: 3, cycle: 1, gap: 1, deStart: 0.75 }
        }
      });
      const run = promisify(execFile);
      const script = path.join(repoRoot, 'src/deni/run/run-spec-main.ts');
      const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
      const [a, b] = await Promise.all(
        [0, 1].map(() =>
          run(tsx, [script, JSON.stringify(s)], {
            cwd: repoRoot,
            maxBuffer: 1 << 26
          })
        )
      );
      const ra = JSON.parse(a.stdout.trim().split('\n').at(-1) as string);
      const rb = JSON.parse(b.stdout.trim().split('\n').at(-1) as string);
      expect(ra.predictions).toEqual(rb.predictions);
      expect(ra.macroF1).toBe(rb.macroF1);
      expect(ra.events).toEqual(rb.events);
      expect(ra.events).toEqual(
        getStrategy('deni').plan({
          samples: 32,
          epochs: 2,
          batchSize: 8,
          params: s.strategy.params
        }).events
      );
      expect(ra.cost.modelSteps).toBe(rb.cost.modelSteps);
      expect(ra.predictions).toHaveLength(40);
    });

    it('fills the result and reports progress', async () => {
      const steps: number[] = [];
      const r = await executeRun(spec({ tuning: 'lora' }), {
        onProgress: p => steps.push(p.step)
      });
      expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(r.backend).toBe('wasm');
      expect(r.cost.modelSteps).toBe(8);
      expect(r.cost.testForwardPasses).toBe(40);
      expect(r.cost.peakTensorBytes).toBeGreaterThan(0);
      expect(r.perClassF1).toHaveLength(2);
      expect(r.versions['tfjs-core']).toMatch(/^4\./);
      expect(r.events).toEqual([{ step: 8, kind: 'end', models: 1 }]);
    });

    it('stops a diverging run with an error naming step, learning rate and strategy', async () => {
      const s = spec({ strategy: { name: 'swa' } });
      s.budget = { ...s.budget, learningRate: 1e30 };
      await expect(executeRun(s)).rejects.toThrow(
        /loss became (NaN|Infinity|-Infinity) at optimiser step \d+ \(main model, learning rate [\d.e+]+, strategy 'swa'\)/
      );
    });

    it('DENI copies of a LoRA model duplicate only the trainable tensors', async () => {
      await initBackend('wasm');
      const s = spec({ tuning: 'lora' });
      const loaded = await loadModel(tinyBert);
      const data = await prepareRunData(
        s,
        getStrategy('deni').dataNeeds(),
        loaded.tokenizer
      );
      const method = getTuningMethod('lora');
      let trainableBytes = 0;
      let backboneBytes = 0;
      for (const t of loaded.weights.values()) {
        backboneBytes += t.size * 4;
      }
      let before = 0;
      let checked = 0;
      await getStrategy('deni').run({
        params: { K: 5, cycle: 1, gap: 1, deStart: 0.75 },
        train: data.train,
        test: data.test,
        samples: 32,
        epochs: 2,
        batchSize: 8,
        learningRate: 1e-3,
        seeds: s.seeds,
        meter: new CostMeter(),
        createModel: r => {
          const state = method.prepare(loaded.config, loaded.weights, 2, r);
          trainableBytes = state.trainableBytes();
          return stateModel(state);
        },
        observe: (phase, e, st) => {
          if (e.kind === 'copies' && phase === 'before') {
            before = tf.memory().numBytes;
          }
          if (e.kind === 'noise' && phase === 'after') {
            // 4 noisy copies: their trainable tensors (all noised under PEFT), never the backbone
            const added = tf.memory().numBytes - before;
            expect(added).toBeGreaterThanOrEqual(4 * trainableBytes * 0.9);
            expect(added).toBeLessThanOrEqual(4 * trainableBytes * 1.1);
            expect(trainableBytes).toBeLessThan(backboneBytes / 2);
            for (const c of st.copies) {
              expect(c.model.trainable.size).toBe(st.main.model.trainable.size);
            }
            checked += 1;
          }
        }
      });
      expect(checked).toBe(3);
    });

    it('input noise on tiny BERT logs its plan and changes training only from its first noise step', async () => {
      await initBackend('wasm');
      const loaded = await loadModel(tinyBert);
      // T = 8; noise at steps 4 and 6 (from floor(0.5 x T), every 2nd step: clean 0).
      const params = { clean: 0, start: 0.5 };
      for (const tuning of ['full', 'lora'] as const) {
        const s = spec({ tuning });
        const data = await prepareRunData(
          s,
          getStrategy('default').dataNeeds(),
          loaded.tokenizer
        );
        const method = getTuningMethod(tuning);
        const run = (name: 'default' | 'input-noise') =>
          getStrategy(name).run({
            params: name === 'default' ? {} : params,
            train: data.train,
            test: data.test,
            samples: 32,
            epochs: 2,
            batchSize: 8,
            learningRate: 1e-3,
            seeds: s.seeds,
            meter: new CostMeter(),
            createModel: r =>
              stateModel(method.prepare(loaded.config, loaded.weights, 2, r))
          });
        const base = await run('default');
        const noisy = await run('input-noise');
        expect(noisy.events).toEqual(noisy.plan.events);
        const noiseSteps = noisy.events
          .filter(e => e.kind === 'input-noise')
          .map(e => e.step);
        expect(noiseSteps).toEqual([4, 6]);
        // Losses of steps 1-3 come from identical models and batches; step 4's pass is noisy.
        expect(noisy.losses.slice(0, 3)).toEqual(base.losses.slice(0, 3));
        expect(noisy.losses[3]).not.toBe(base.losses[3]);
        expect(noisy.losses.every(Number.isFinite)).toBe(true);
      }
      const r = await executeRun(
        spec({ strategy: { name: 'input-noise', params } })
      );
      expect(r.events).toEqual(
        getStrategy('input-noise').plan({
          samples: 32,
          epochs: 2,
          batchSize: 8,
          params
        }).events
      );
    });

    it.each(['lora', 'ia3', 'unipelt'] as const)(
      'runs DENI end to end with %s on tiny BERT',
      async tuning => {
        const params = { K: 3, cycle: 1, gap: 1, deStart: 0.75 };
        const r = await executeRun(
          spec({ tuning, strategy: { name: 'deni', params } })
        );
        const plan = getStrategy('deni').plan({
          samples: 32,
          epochs: 2,
          batchSize: 8,
          testSamples: 40,
          params
        });
        expect(r.events).toEqual(plan.events);
        expect(r.cost.modelSteps).toBe(plan.cost.modelSteps);
        expect(r.cost.testForwardPasses).toBe(plan.cost.testForwardPasses);
        expect(r.predictions).toHaveLength(40);
        expect(r.macroF1).toBeGreaterThanOrEqual(0);
      }
    );

    it('rejects bad strategy parameters before loading anything', async () => {
      await expect(
        executeRun(spec({ strategy: { name: 'deni', params: { K: 0 } } }))
      ).rejects.toThrow(/'K' must be in \[2, 100\], got 0/);
    });
  }
);

describe.skipIf(!minilmReady)('real fine-tuning of MiniLM-L6', () => {
  it('beats the majority-class baseline on UCI sentiment', async () => {
    await initBackend('wasm');
    const r = await executeRun(
      spec({
        model: 'minilm-l6',
        budget: {
          samples: 96,
          epochs: 2,
          batchSize: 8,
          maxLength: 24,
          testSamples: 120,
          learningRate: 1e-4
        }
      })
    );
    const data = await prepareRunData(
      r.spec,
      getStrategy('default').dataNeeds(),
      await loadTokenizer(await resolveModel('minilm-l6'))
    );
    const counts = [0, 0];
    data.test.labels.forEach(y => counts[y]++);
    const majority = counts[1] > counts[0] ? 1 : 0;
    const baseline = classificationMetrics(
      data.test.labels,
      r.predictions.map(() => majority),
      2
    );
    expect(r.macroF1).toBeGreaterThan(baseline.macroF1 + 15);
    expect(r.accuracy).toBeGreaterThan(baseline.accuracy + 5);
  });
});
