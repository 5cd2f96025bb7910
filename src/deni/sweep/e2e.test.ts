import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listModels } from '../model';
import {
  exportResults,
  parseSweepSpec,
  runSweep,
  type ISweepProgress
} from './index';
import { tempDir } from './testing/helpers';

// The real trainer needs the MiniLM-L6 checkpoint in the model cache (`deni models` shows it).
const cached = listModels().some(m => m.name === 'minilm-l6' && m.cached);

describe.skipIf(!cached)('runSweep with the real trainer (tiny config)', () => {
  it('trains in a worker process, stores real results and reuses them on the rerun', async () => {
    const spec = parseSweepSpec(
      [
        'name: e2e',
        'dataset: uci-sentiment',
        'model: minilm-l6',
        'tuning: lora',
        'strategies: [default]',
        'runs: 2',
        'seed: 1',
        'budget: { samples: 16, epochs: 1, batchSize: 8, maxLength: 16, testSamples: 32 }',
        'backend: wasm',
        'executor: { kind: local, workers: 1 }'
      ].join('\n')
    ).spec;
    const store = path.join(tempDir('e2e'), 'r.sqlite');
    const events: ISweepProgress[] = [];
    const out = await runSweep(spec, {
      store,
      onProgress: p => events.push(p),
      progressIntervalMs: 0
    });
    expect(out.failed).toEqual([]);
    expect(out.executed).toBe(2);
    for (const r of out.results) {
      expect(r.backend).toBe('wasm');
      expect(r.predictions).toHaveLength(32);
      expect(r.macroF1).toBeGreaterThanOrEqual(0);
      expect(r.macroF1).toBeLessThanOrEqual(100);
      expect(r.cost.modelSteps).toBe(2);
    }
    // Different init/order/dropout seeds per run: the two runs are not the same run.
    expect(out.results[0].spec.seeds.init).not.toBe(
      out.results[1].spec.seeds.init
    );
    expect(events.some(e => (e.current?.totalSteps ?? 0) > 0)).toBe(true);
    const again = await runSweep(spec, { store });
    expect(again.cached).toBe(2);
    expect(again.executed).toBe(0);
    expect(exportResults(again.results, 'csv')).toBe(
      exportResults(out.results, 'csv')
    );
  });
});
