import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Architecture, WeightMap } from '../model/types';
import { Rng } from '../random';
import { getTuningMethod, paperUniPelt, type IModelState } from './index';
import {
  ensureTinyModels,
  loadTiny,
  perturb,
  repoRoot,
  runReference,
  tinyInputs,
  writeOutputs,
  writeTensors
} from './testing/reference-harness';

/**
 * UniPELT against AdapterHub `adapters` (reference/peft_unipelt_adapters.py): same trainable
 * tensors (names and shapes) and, with the same random values, the same outputs within 1e-4.
 * `adapters` pins transformers 4.x, which conflicts with the project venv, so it lives in its own
 * venv: set DENI_ADAPTERS_PYTHON to its interpreter to run this file (skipped otherwise).
 */
const adaptersPython = process.env.DENI_ADAPTERS_PYTHON ?? '';
const ARCHS: Architecture[] = ['bert', 'roberta', 'albert'];
const TOL = 1e-4;

interface IResult {
  name: string;
  hidden: number;
  pooled: number;
  tsOnly: string[];
  adaptersOnly: string[];
  shapeMismatch: string[];
  trainable: number;
  controlWithoutAdapter: number;
}

describe.skipIf(!adaptersPython)('UniPELT matches AdapterHub adapters', () => {
  const states: IModelState[] = [];
  const backbones: WeightMap[] = [];
  const results = new Map<string, IResult>();
  let work = '';

  beforeAll(async () => {
    await tf.setBackend('cpu');
    ensureTinyModels();
    work = mkdtempSync(path.join(tmpdir(), 'deni-unipelt-'));
    const s = paperUniPelt();
    // The tiny models have hidden 32: reduction 4 gives an 8-wide bottleneck (16 would give 2).
    const reduction = 4;
    const request: Record<string, unknown>[] = [];
    const rng = new Rng(77);
    for (const arch of ARCHS) {
      const { config, backbone, dir } = await loadTiny(arch);
      backbones.push(backbone);
      const state = getTuningMethod('unipelt', {
        unipelt: { adapterReduction: reduction }
      }).prepare(config, backbone, 3, new Rng(12));
      states.push(state);
      perturb(state, rng, 0.2);
      const inputs = tinyInputs(config);
      const files = {
        tsWeights: path.join(work, `${arch}.ts-weights.safetensors`),
        tsOutputs: path.join(work, `${arch}.ts-outputs.safetensors`)
      };
      await writeTensors(files.tsWeights, state.trainable);
      await writeOutputs(state, inputs, files.tsOutputs);
      request.push({
        name: arch,
        arch,
        modelDir: dir,
        ...inputs,
        ...files,
        prefixLength: s.prefixLength,
        r: s.lora.r,
        alpha: s.lora.alpha,
        reduction
      });
    }
    const requestFile = path.join(work, 'request.json');
    writeFileSync(requestFile, JSON.stringify({ cases: request }));
    const out = runReference<{ cases: IResult[] }>(adaptersPython, [
      path.join(repoRoot, 'reference/peft_unipelt_adapters.py'),
      requestFile
    ]);
    for (const r of out.cases) {
      results.set(r.name, r);
      if (process.env.DENI_PEFT_VERBOSE) {
        console.log(JSON.stringify(r));
      }
    }
  });

  afterAll(() => {
    states.forEach(s => s.dispose());
    backbones.forEach(b => b.forEach(t => t.dispose()));
    if (work) {
      rmSync(work, { recursive: true, force: true });
    }
  });

  for (const arch of ARCHS) {
    it(`${arch}: same trainable tensors and shapes`, () => {
      const r = results.get(arch)!;
      expect(r.tsOnly).toEqual([]);
      expect(r.adaptersOnly).toEqual([]);
      expect(r.shapeMismatch).toEqual([]);
      expect(r.trainable).toBeGreaterThan(0);
    });
    it(`${arch}: same outputs with the same weights (< ${TOL})`, () => {
      const r = results.get(arch)!;
      expect(r.hidden).toBeLessThan(TOL);
      expect(r.pooled).toBeLessThan(TOL);
      expect(r.controlWithoutAdapter).toBeGreaterThan(1e-3);
    });
  }
});
