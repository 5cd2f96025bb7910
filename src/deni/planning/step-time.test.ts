import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../sweep/testing/helpers';
import { cpuModel } from '../backend/cpu';
import { machineKey } from './machine';
import { cachedStepTime, stepTime, stepTimeKey } from './step-time';
import { estimateSweep } from './sweep-estimate';
import type { IStepTimeRequest } from './measure';
import type { ISweepSpec } from '../contract/types';

const TINY = path.join(REPO_ROOT, 'fixtures/models/tiny-bert');

const REQ: IStepTimeRequest = {
  model: TINY,
  backend: 'cpu',
  tuning: 'full',
  batchSize: 4,
  seqLen: 12,
  evalSeqLen: 16,
  steps: 2
};

describe('step time on this machine', () => {
  it('is measured once in worker-like processes, then read from the cache', async () => {
    const file = path.join(tempDir('step-time'), 'step-times.json');
    expect(await stepTime(REQ, { workers: 1, measure: false, file })).toBe(
      undefined
    );
    const first = await stepTime(REQ, { workers: 1, file });
    expect(first?.time.stepSeconds).toBeGreaterThan(0);
    expect(first?.time.evalSecondsPerSample).toBeGreaterThan(0);
    expect(first?.time.backend).toBe('cpu');
    expect(first?.machine).toEqual(machineKey());
    expect(existsSync(file)).toBe(true);
    // Cached: same entry, nothing measured again (measuredAt unchanged).
    const again = await stepTime(REQ, { workers: 1, file });
    expect(again).toEqual(first);
    expect(cachedStepTime(REQ, 1, file)).toEqual(first);
    // Another worker count or another length is another measurement.
    expect(cachedStepTime(REQ, 2, file)).toBeUndefined();
    expect(cachedStepTime({ ...REQ, seqLen: 13 }, 1, file)).toBeUndefined();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveLength(1);
  }, 120_000);

  it('keys on the machine (CPU family and model, not only its name) and the package version', () => {
    const m = machineKey();
    expect(m.cpu).toBe(cpuModel());
    // Two EPYC generations that both call themselves `AMD EPYC` do not share step times.
    expect(
      stepTimeKey(REQ, 1, { ...m, cpu: 'AMD EPYC (family 25 model 1)' })
    ).not.toBe(
      stepTimeKey(REQ, 1, { ...m, cpu: 'AMD EPYC (family 25 model 17)' })
    );
    expect(stepTimeKey(REQ, 1, m)).not.toBe(
      stepTimeKey(REQ, 1, { ...m, version: `${m.version}-next` })
    );
    expect(stepTimeKey(REQ, 1, m)).not.toBe(
      stepTimeKey(REQ, 1, { ...m, cores: m.cores + 1 })
    );
  });

  it("prices a sweep's runs from their plans before anything trains", async () => {
    const file = path.join(tempDir('sweep-estimate'), 'step-times.json');
    const spec = {
      name: 'est',
      dataset: 'uci-sentiment',
      model: TINY,
      tuning: ['full'],
      strategies: [{ name: 'default' }, { name: 'ensemble', params: { K: 3 } }],
      runs: 2,
      seed: 1,
      budget: {
        samples: 16,
        epochs: 1,
        batchSize: 4,
        maxLength: 16,
        testSamples: 20
      },
      backend: 'cpu',
      executor: { kind: 'local', workers: 1 }
    } as unknown as ISweepSpec;
    expect(
      await estimateSweep(spec, { measure: false, cacheFile: file })
    ).toBeUndefined();
    const est = await estimateSweep(spec, { cacheFile: file });
    expect(est).toBeDefined();
    if (!est) {
      return;
    }
    expect(est.runs).toBe(4);
    const [def, ens] = est.groups;
    // default: 1 epoch x ceil(16 / 4) = 4 steps; ensemble of 3: 12 model-steps, 3 passes per test sample.
    expect(def.modelSteps).toBe(4);
    expect(ens.modelSteps).toBe(12);
    expect(def.testForwardPasses).toBe(20);
    expect(ens.testForwardPasses).toBe(60);
    const t = est.stepTimes[0].time;
    expect(def.secondsPerRun).toBeCloseTo(
      4 * t.stepSeconds + 20 * t.evalSecondsPerSample + t.modelSetupSeconds,
      10
    );
    // One worker: startup + every run in turn.
    expect(est.seconds).toBeCloseTo(
      t.startupSeconds + 2 * def.secondsPerRun + 2 * ens.secondsPerRun,
      10
    );
    expect(est.stepTimes[0].request.seqLen).toBeLessThanOrEqual(16);
  }, 120_000);
});
