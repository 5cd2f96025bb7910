/**
 * Measures what DENI's copies cost in memory against the default strategy, for full fine-tuning
 * and LoRA (issue 6: PEFT copies must duplicate only the trainable tensors). Each configuration
 * runs in its own process so peaks do not mix. Prints one JSON line per configuration.
 * Usage: npx tsx bench/memory-bench-main.ts [model] [maxLength]
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { deriveSeeds } from '../src/deni/random';
import type {
  IRunResult,
  IRunSpec,
  TuningMethodName
} from '../src/deni/contract/types';

const model = process.argv[2] ?? 'minilm-l6';
const maxLength = Number(process.argv[3] ?? 16);
const root = path.resolve(__dirname, '..');
const runner = path.join(root, 'src/deni/run/run-spec-main.ts');
const tsx = path.join(root, 'node_modules/.bin/tsx');

// T = 4: an NI cycle over steps 1-2 and the delayed ensemble from step 3, so all K = 10 models
// (with their Adam state) are alive at once.
const deniParams = {
  K: 10,
  cycle: 1,
  gap: 1,
  niStart: 0.25,
  niEnd: 0.5,
  deStart: 0.75
};
for (const tuning of ['full', 'lora'] as TuningMethodName[]) {
  for (const strategy of ['default', 'deni'] as const) {
    const spec: IRunSpec = {
      key: 'memory',
      sweep: 'memory',
      dataset: 'uci-sentiment',
      model,
      tuning,
      strategy:
        strategy === 'deni'
          ? { name: 'deni', params: deniParams }
          : { name: 'default' },
      budget: {
        samples: 16,
        epochs: 2,
        batchSize: 8,
        maxLength,
        testSamples: 16
      },
      backend: 'wasm',
      run: 0,
      seeds: deriveSeeds(1, 0)
    };
    const out = execFileSync(tsx, [runner, JSON.stringify(spec)], {
      cwd: root,
      maxBuffer: 1 << 26
    }).toString();
    const r = JSON.parse(out.trim().split('\n').at(-1) as string) as IRunResult;
    console.log(
      JSON.stringify({
        model,
        tuning,
        strategy,
        modelSteps: r.cost.modelSteps,
        peakTensorMB: +(r.cost.peakTensorBytes / 2 ** 20).toFixed(1),
        peakRssMB: +(r.cost.peakRssBytes / 2 ** 20).toFixed(1),
        wallSeconds: +r.cost.wallSeconds.toFixed(1)
      })
    );
  }
}
