import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '../model';
import type { Architecture, WeightMap } from '../model/types';
import { Rng } from '../random';
import {
  getTuningMethod,
  paperLora,
  runModel,
  type IModelState
} from './index';
import {
  batchOf,
  ensureTinyModels,
  loadTiny,
  maxDiffTo,
  peftScript,
  perturb,
  runReference,
  tinyInputs,
  tinyModelRoot,
  venvPython,
  writeOutputs,
  writeTensors
} from './testing/reference-harness';

/**
 * LoRA and IA3 against Hugging Face `peft` (reference/peft_check.py) on tiny transformers models:
 * the same adapter tensors, copied TS -> peft and peft -> TS, give the same last hidden state
 * and pooled output within 1e-4, and both sides train exactly the same tensors.
 */
const ARCHS: Architecture[] = ['bert', 'roberta', 'albert'];
const METHODS = ['lora', 'ia3'] as const;
const TOL = 1e-4;

interface ICase {
  name: string;
  state: IModelState;
  inputs: ReturnType<typeof tinyInputs>;
  files: Record<'tsWeights' | 'tsOutputs' | 'pyWeights' | 'pyOutputs', string>;
}

interface IPyResult {
  name: string;
  tsToPeftHidden: number;
  tsToPeftPooled: number;
  tsOnly: string[];
  peftOnly: string[];
  trainable: number;
  controlWithoutAdapter: number;
}

const cases: ICase[] = [];
const backbones: WeightMap[] = [];
const results = new Map<string, IPyResult>();
let work = '';

beforeAll(async () => {
  await tf.setBackend('cpu');
  ensureTinyModels();
  work = mkdtempSync(path.join(tmpdir(), 'deni-peft-'));
  const rng = new Rng(2024);
  const request: Record<string, unknown>[] = [];
  const lora = paperLora();
  for (const arch of ARCHS) {
    const { config, backbone, dir } = await loadTiny(arch);
    backbones.push(backbone);
    const inputs = tinyInputs(config);
    for (const method of METHODS) {
      const state = getTuningMethod(method).prepare(
        config,
        backbone,
        3,
        new Rng(11)
      );
      perturb(state, rng, 0.2);
      const name = `${method}-${arch}`;
      const files = {
        tsWeights: path.join(work, `${name}.ts-weights.safetensors`),
        tsOutputs: path.join(work, `${name}.ts-outputs.safetensors`),
        pyWeights: path.join(work, `${name}.py-weights.safetensors`),
        pyOutputs: path.join(work, `${name}.py-outputs.safetensors`)
      };
      await writeTensors(files.tsWeights, state.trainable);
      await writeOutputs(state, inputs, files.tsOutputs);
      cases.push({ name, state, inputs, files });
      request.push({
        name,
        arch,
        method,
        modelDir: dir,
        ...inputs,
        ...files,
        lora: {
          r: lora.r,
          alpha: lora.alpha,
          dropout: lora.dropout,
          rankStabilised: lora.rankStabilised,
          bias: lora.bias
        }
      });
    }
  }
  const requestFile = path.join(work, 'request.json');
  writeFileSync(requestFile, JSON.stringify({ cases: request }));
  const out = runReference<{ cases: IPyResult[] }>(venvPython, [
    peftScript,
    'check',
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
  cases.forEach(c => c.state.dispose());
  backbones.forEach(b => b.forEach(t => t.dispose()));
  if (work) {
    rmSync(work, { recursive: true, force: true });
  }
});

describe(`LoRA and IA3 match Hugging Face peft (${path.relative(process.cwd(), tinyModelRoot)})`, () => {
  for (const method of METHODS) {
    for (const arch of ARCHS) {
      const name = `${method}-${arch}`;
      it(`${name}: same trainable tensors as peft`, () => {
        const r = results.get(name)!;
        expect(r.tsOnly).toEqual([]);
        expect(r.peftOnly).toEqual([]);
        expect(r.trainable).toBeGreaterThan(0);
      });
      it(`${name}: our adapter weights in peft give our outputs (< ${TOL})`, () => {
        const r = results.get(name)!;
        expect(r.tsToPeftHidden).toBeLessThan(TOL);
        expect(r.tsToPeftPooled).toBeLessThan(TOL);
        // The comparison is sensitive: peft with its adapters disabled is far off.
        expect(r.controlWithoutAdapter).toBeGreaterThan(1e-3);
      });
      it(`${name}: peft's adapter weights here give peft's outputs (< ${TOL})`, async () => {
        const c = cases.find(x => x.name === name)!;
        const py = (await readSafetensors(c.files.pyWeights)).tensors;
        for (const [k, t] of py) {
          const v = c.state.trainable.get(k);
          expect(v, `peft tensor ${k} has no counterpart`).toBeDefined();
          v!.assign(tf.tensor(t.data, v!.shape, 'float32'));
        }
        const out = runModel(c.state, batchOf(c.inputs), { training: false });
        expect(
          await maxDiffTo(out.lastHidden, c.files.pyOutputs, 'lastHidden')
        ).toBeLessThan(TOL);
        expect(
          await maxDiffTo(out.pooled, c.files.pyOutputs, 'pooled')
        ).toBeLessThan(TOL);
      });
    }
  }
});
