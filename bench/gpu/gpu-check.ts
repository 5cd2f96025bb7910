// GPU check (not a test; bundled by bench/gpu/pack.sh, run by bench/gpu-check.sh): prints the
// WebGPU adapter, then times short fine-tunings (forward + backward + Adam, batch 8 x 50 tokens,
// every tensor trainable, dropout off) of the default model's architecture (minilm-l6) and of a
// BERT-base-sized model on our engine, alternating rounds with the same steps in PyTorch on the
// same machine's GPU (bench/gpu/torch_step.py), and reports the time ratio.
// Weights are random (seeded), drawn like transformers' init: step time does not depend on their
// values and the 64 MiB bundle has no room for checkpoints. --model-dir DIR times a real
// checkpoint folder (config.json + model.safetensors + tokenizer.json) instead.
// Usage: node gpu-check.mjs [--backend webgpu|wasm|cpu|auto] [--models minilm-l6,bert-base]
//        [--rounds 3] [--steps 3] [--python python3] [--no-torch] [--model-dir DIR]
//        [--fallback wasm] (use that back-end when the requested one cannot start)
import * as tf from '@tensorflow/tfjs-core';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  defaultProbe,
  initBackend,
  parseBackendName
} from '../../src/deni/backend';
import {
  expectedShapes,
  loadModel,
  parseConfig,
  type IEncoderConfig,
  type WeightMap
} from '../../src/deni/model';
import { Rng } from '../../src/deni/random';
import { median } from '../../src/deni/report/descriptive';
import { arg } from '../args';
import { makeEngineStep } from '../step-setup';

/** Hugging Face configs of the timed architectures. */
const CONFIGS: Record<string, Record<string, unknown>> = {
  // sentence-transformers/all-MiniLM-L6-v2 (the default model, minilm-l6): 22.7M parameters.
  'minilm-l6': {
    model_type: 'bert',
    hidden_size: 384,
    num_hidden_layers: 6,
    num_attention_heads: 12,
    intermediate_size: 1536,
    vocab_size: 30522,
    max_position_embeddings: 512,
    type_vocab_size: 2,
    hidden_act: 'gelu',
    layer_norm_eps: 1e-12,
    pad_token_id: 0,
    initializer_range: 0.02,
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1
  },
  // bert-base-uncased: 110M parameters.
  'bert-base': {
    model_type: 'bert',
    hidden_size: 768,
    num_hidden_layers: 12,
    num_attention_heads: 12,
    intermediate_size: 3072,
    vocab_size: 30522,
    max_position_embeddings: 512,
    type_vocab_size: 2,
    hidden_act: 'gelu',
    layer_norm_eps: 1e-12,
    pad_token_id: 0,
    initializer_range: 0.02,
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1
  }
};

const BATCH = 8;
const SEQ = 50;
const CLASSES = 2;

function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

function positiveInt(name: string, fallback: number): number {
  const raw = arg(name, String(fallback));
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) {
    throw new Error(`--${name} ${raw}: expected a positive integer`);
  }
  return v;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Random backbone like transformers' _init_weights: N(0, 0.02) matrices, LayerNorm 1/0, bias 0. */
function randomWeights(config: IEncoderConfig, rng: Rng): WeightMap {
  const weights: WeightMap = new Map();
  for (const [name, shape] of expectedShapes(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (name.includes('LayerNorm') && name.endsWith('.weight')) {
      weights.set(name, tf.ones(shape));
    } else if (name.endsWith('.bias')) {
      weights.set(name, tf.zeros(shape));
    } else {
      weights.set(
        name,
        tf.tensor(rng.normalArray(size, 0, config.initializerRange), shape)
      );
    }
  }
  return weights;
}

/** Matmul FLOPs of one training step: forward (linears + attention) x 3. */
function stepFlops(config: IEncoderConfig): number {
  const tokens = BATCH * SEQ;
  const h = config.hiddenSize;
  const perLayer =
    2 * tokens * (4 * h * h + 2 * h * config.intermediateSize) +
    4 * BATCH * SEQ * SEQ * h;
  return (
    3 * (config.numHiddenLayers * perLayer + 2 * BATCH * h * (h + CLASSES))
  );
}

interface ITorchSide {
  ask<T>(req: Record<string, unknown>): Promise<T>;
  close(): void;
}

/** Starts bench/gpu/torch_step.py; null (with the reason printed) when PyTorch is unusable. */
async function startTorch(python: string): Promise<ITorchSide | null> {
  const script = path.join(path.dirname(process.argv[1]), 'torch_step.py');
  let py: ChildProcessWithoutNullStreams;
  try {
    py = spawn(python, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    say(`PyTorch: cannot start ${python}: ${(e as Error).message}`);
    return null;
  }
  const stderr: string[] = [];
  py.stderr.on('data', (d: Buffer) => stderr.push(d.toString()));
  const spawned = await new Promise<string | null>(resolve => {
    py.once('spawn', () => resolve(null));
    py.once('error', e => resolve(e.message));
  });
  if (spawned) {
    say(
      `PyTorch: not run: cannot start '${python}' (${spawned}); pass --python PATH`
    );
    return null;
  }
  const lines = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
  const side: ITorchSide = {
    async ask<T>(req: Record<string, unknown>): Promise<T> {
      py.stdin.write(`${JSON.stringify(req)}\n`);
      const next = await lines.next();
      if (next.done) {
        throw new Error(
          `torch_step.py exited: ${stderr.join('').trim().split('\n').slice(-3).join(' | ')}`
        );
      }
      const res = JSON.parse(next.value as string) as T & { error?: string };
      if (res.error) {
        throw new Error(`torch_step.py: ${res.error}`);
      }
      return res;
    },
    close(): void {
      py.stdin.end();
    }
  };
  const hello = await side.ask<{
    torch: string | null;
    why?: string;
    device?: string;
    deviceName?: string;
    transformers?: string | null;
  }>({ cmd: 'hello' });
  if (!hello.torch) {
    say(
      `PyTorch: not installed for ${python} (${hello.why}); only our side is timed`
    );
    side.close();
    return null;
  }
  say(
    `PyTorch: torch ${hello.torch} on ${hello.device} (${hello.deviceName}); model code: ${hello.transformers ? `transformers ${hello.transformers}` : 'built-in BERT (transformers not installed)'}`
  );
  if (hello.device !== 'cuda') {
    say(
      'PyTorch: WARNING no CUDA device visible to torch: its times are CPU times'
    );
  }
  return side;
}

interface IModelResult {
  model: string;
  parameters: number;
  stepGflop: number;
  oursMedianMs: number;
  torchMedianMs: number | null;
  ratio: number | null;
  oursGflops: number;
  torchGflops: number | null;
  firstLoss: number;
}

async function timeModel(
  name: string,
  rounds: number,
  stepsPerRound: number,
  torch: ITorchSide | null
): Promise<IModelResult> {
  const modelDir = arg('model-dir', '');
  let config: IEncoderConfig;
  let backbone: WeightMap;
  const rawConfig = CONFIGS[name];
  if (modelDir) {
    const loaded = await loadModel(modelDir);
    config = loaded.config;
    backbone = loaded.weights;
  } else if (rawConfig) {
    config = parseConfig(rawConfig, name);
    backbone = randomWeights(config, new Rng(7));
  } else {
    throw new Error(
      `unknown model '${name}': use ${Object.keys(CONFIGS).join(', ')} or --model-dir DIR`
    );
  }
  const rng = new Rng(11);
  const ids = Array.from(
    { length: BATCH * SEQ },
    () => 1000 + rng.int(config.vocabSize - 1000)
  );
  const labels = Array.from({ length: BATCH }, (_, i) => i % CLASSES);
  const batch = {
    inputIds: tf.tensor2d(ids, [BATCH, SEQ], 'int32'),
    attentionMask: tf.ones([BATCH, SEQ], 'int32') as tf.Tensor2D
  };
  const engine = makeEngineStep(config, backbone, batch, labels, CLASSES);
  const { parameters } = engine;
  let firstLoss = NaN;
  const ourStep = async (): Promise<number> => {
    const { ms, loss } = await engine.step();
    if (!Number.isFinite(loss)) {
      throw new Error(`non-finite loss ${loss} on ${name}`);
    }
    if (Number.isNaN(firstLoss)) {
      firstLoss = loss;
    }
    return ms;
  };

  const rows = Array.from({ length: BATCH }, (_, r) =>
    ids.slice(r * SEQ, (r + 1) * SEQ)
  );
  let torchOk = torch !== null;
  if (torch) {
    try {
      await torch.ask({
        cmd: 'setup',
        config: rawConfig ?? null,
        modelDir,
        ids: rows,
        labels,
        classes: CLASSES
      });
    } catch (e) {
      say(`  PyTorch setup failed: ${(e as Error).message}`);
      torchOk = false;
    }
  }
  // Warm-up: shader/kernel compilation and allocator growth on both sides.
  const warm = [await ourStep(), await ourStep()];
  say(
    `  ${name}: ${(parameters / 1e6).toFixed(1)}M parameters; our warm-up steps ${warm.map(m => m.toFixed(0)).join(', ')} ms`
  );
  if (torchOk && torch) {
    await torch.ask({ cmd: 'steps', n: 2 });
  }
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let s = 0; s < stepsPerRound; s++) {
      ours.push(await ourStep());
    }
    if (torchOk && torch) {
      theirs.push(
        ...(
          await torch.ask<{ ms: number[] }>({ cmd: 'steps', n: stepsPerRound })
        ).ms
      );
    }
    say(
      `  ${name} round ${r + 1}/${rounds}: ours ${median(ours).toFixed(1)} ms/step` +
        (theirs.length ? `, PyTorch ${median(theirs).toFixed(1)} ms/step` : '')
    );
  }
  engine.dispose();
  tf.dispose([...backbone.values(), batch.inputIds, batch.attentionMask]);
  const flops = stepFlops(config);
  const oursMs = median(ours);
  const torchMs = theirs.length ? median(theirs) : null;
  return {
    model: modelDir ? path.basename(modelDir) : name,
    parameters,
    stepGflop: Number((flops / 1e9).toFixed(2)),
    oursMedianMs: Number(oursMs.toFixed(1)),
    torchMedianMs: torchMs === null ? null : Number(torchMs.toFixed(1)),
    ratio: torchMs === null ? null : Number((oursMs / torchMs).toFixed(2)),
    oursGflops: Number((flops / oursMs / 1e6).toFixed(1)),
    torchGflops:
      torchMs === null ? null : Number((flops / torchMs / 1e6).toFixed(1)),
    firstLoss: Number(firstLoss.toFixed(5))
  };
}

async function main(): Promise<void> {
  const requested = parseBackendName(arg('backend', 'webgpu'));
  const rounds = positiveInt('rounds', 3);
  const steps = positiveInt('steps', 3);
  const models = arg('models', 'minilm-l6,bert-base')
    .split(',')
    .filter(Boolean);
  say(`node ${process.version} on ${process.platform}-${process.arch}`);
  const gpu = await defaultProbe.webgpu();
  say(
    gpu.ok
      ? `WebGPU adapter: ${gpu.detail}`
      : `WebGPU adapter: none: ${gpu.why}`
  );
  if (gpu.ok && gpu.autoSkip) {
    say(`WebGPU adapter note: ${gpu.autoSkip}`);
  }
  const fallback = arg('fallback', '');
  let backend: { name: string; reason: string };
  try {
    backend = await initBackend(requested);
  } catch (e) {
    if (!fallback) {
      throw e;
    }
    say(
      `back-end ${requested} unavailable (${(e as Error).message}); falling back to ${fallback}`
    );
    backend = await initBackend(parseBackendName(fallback));
  }
  say(`back-end: ${backend.name}: ${backend.reason}`);
  const torch = flag('no-torch')
    ? null
    : await startTorch(arg('python', 'python3'));
  if (flag('no-torch')) {
    say('PyTorch: skipped (--no-torch)');
  }
  say(
    `timing: batch ${BATCH} x ${SEQ} tokens, full fine-tuning (Adam), dropout off; ${rounds} rounds x ${steps} steps after 2 warm-up steps, alternating sides`
  );
  const results: IModelResult[] = [];
  const failed: Array<{ model: string; error: string }> = [];
  for (const m of models) {
    try {
      results.push(await timeModel(m, rounds, steps, torch));
    } catch (e) {
      // One model failing (e.g. out of memory) must not hide the others' numbers.
      const error = (e as Error).message.split('\n')[0];
      say(`  ${m}: FAILED on ${backend.name}: ${error}`);
      failed.push({ model: m, error });
    }
  }
  torch?.close();
  say('');
  say(
    '| model | parameters | ours ms/step | PyTorch ms/step | ratio ours/PyTorch | ours GFLOP/s | PyTorch GFLOP/s |'
  );
  say('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    say(
      `| ${r.model} | ${(r.parameters / 1e6).toFixed(1)}M | ${r.oursMedianMs} | ${r.torchMedianMs ?? 'n/a'} | ${r.ratio ?? 'n/a'} | ${r.oursGflops} | ${r.torchGflops ?? 'n/a'} |`
    );
  }
  for (const f of failed) {
    say(`| ${f.model} | failed: ${f.error} | | | | | |`);
  }
  if (failed.length) {
    process.exitCode = 2;
  }
  say(
    `RESULT ${JSON.stringify({ backend: backend.name, reason: backend.reason, adapter: gpu.ok ? gpu.detail : null, results, failed })}`
  );
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  e => {
    process.stderr.write(`gpu-check failed: ${(e as Error).stack}\n`);
    process.exit(1);
  }
);
