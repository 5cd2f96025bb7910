import { executeRun } from './src/deni/strategies';
import { deriveSeeds } from './src/deni/random';
import type { IRunSpec } from './src/deni/sweep/types';
(async () => {
  for (const tuning of ['full', 'lora'] as const) {
    const spec: IRunSpec = {
      key: 'k', sweep: 's', dataset: 'uci-sentiment', model: 'minilm-l6', tuning,
      strategy: { name: 'default' },
      budget: { samples: 96, epochs: 2, batchSize: 8, maxLength: 24, testSamples: 120, learningRate: tuning === 'full' ? 1e-4 : 1e-3 },
      backend: 'wasm', run: 0, seeds: deriveSeeds(7, 0)
    };
    const r = await executeRun(spec);
    const c = [0, 0]; r.predictions.forEach(p => c[p]++);
    console.log(tuning, 'macroF1', r.macroF1.toFixed(1), 'acc', r.accuracy.toFixed(1), 'pred counts', c, 'wall', r.cost.wallSeconds.toFixed(1), 'steps', r.cost.modelSteps);
  }
})();
