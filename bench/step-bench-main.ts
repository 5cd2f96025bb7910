/**
 * Times one optimiser step of LoRA against full fine-tuning on the same batch (PEFT must skip
 * the frozen backbone's weight gradients, so a LoRA step should cost clearly less than a full
 * one). Steps alternate between the methods so machine load hits both alike; prints the
 * per-step times and their medians as one JSON line.
 * Usage: npx tsx bench/step-bench-main.ts [model] [steps] [seqLen]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/deni/backend';
import { batchTensors, loadModel, resolveModel } from '../src/deni/model';
import { getTuningMethod } from '../src/deni/peft';
import { Rng } from '../src/deni/random';
import type { TuningMethodName } from '../src/deni/contract/types';
import { encodeBatch } from '../src/deni/text';
import { ADAM_DEFAULTS, TrainingMember } from '../src/deni/train';
import { stateModel } from '../src/deni/run/model-adapter';

const model = process.argv[2] ?? 'minilm-l6';
const steps = Number(process.argv[3] ?? 5);
const seqLen = Number(process.argv[4] ?? 32);
const METHODS: TuningMethodName[] = ['lora', 'full'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  await initBackend('wasm');
  const loaded = await loadModel(await resolveModel(model));
  // Long enough texts that every row fills seqLen tokens.
  const texts = Array.from(
    { length: 8 },
    (_, i) =>
      `sample ${i}: fine tuning a pre-trained encoder on a small labelled set is unstable ` +
      'across random seeds, so the study compares strategies that mitigate the variance ' +
      'of the final macro f1 score over twenty runs with different seeds for everything'
  );
  const batch = batchTensors(
    encodeBatch(loaded.tokenizer, texts, undefined, seqLen)
  );
  const labels = tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1], 'int32');
  const members = METHODS.map(
    (m, i) =>
      new TrainingMember(
        stateModel(
          getTuningMethod(m).prepare(
            loaded.config,
            loaded.weights,
            2,
            new Rng(10 + i)
          )
        ),
        ADAM_DEFAULTS,
        new Rng(20 + i),
        m
      )
  );
  const times: Record<string, number[]> = { lora: [], full: [] };
  // Step 0 of each is a warm-up (kernel set-up, first allocations) and is not counted.
  for (let s = 0; s <= steps; s++) {
    for (const [i, m] of METHODS.entries()) {
      const t0 = performance.now();
      await members[i].step(batch, labels, 1e-4, {
        step: s + 1,
        strategy: 'bench'
      });
      const ms = performance.now() - t0;
      if (s > 0) {
        times[m].push(ms);
      }
    }
  }
  console.log(
    JSON.stringify({
      model,
      batch: 8,
      seqLen: batch.inputIds.shape[1],
      steps,
      loraMs: times.lora.map(Math.round),
      fullMs: times.full.map(Math.round),
      loraMedianMs: Math.round(median(times.lora)),
      fullMedianMs: Math.round(median(times.full)),
      loraOverFull: +(median(times.lora) / median(times.full)).toFixed(2)
    })
  );
}

void main();
