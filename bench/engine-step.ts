// Engine benchmark (not a test): forward + backward + Adam step time of ours (tfjs, default wasm)
// vs PyTorch + transformers on the same checkpoint (minilm-l6), batch 8, sequence length 50, full
// fine-tuning, dropout off on both sides. Rounds alternate ours / PyTorch; we report per-side
// medians, their ratio, and our model-level GFLOP/s against numpy's float32 matmul peak.
// Also reports each side's CPU time per step (all its threads) and their ratio, which a shared
// machine disturbs far less than wall time, and the load average during the run.
// Usage: npx tsx bench/engine-step.ts [--rounds 5] [--steps 4] [--backend wasm] [--model minilm-l6]
//        [--torch-threads N] (default: torch's own choice, one per core)
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { cpuModel, initBackend, parseBackendName } from '../src/deni/backend';
import { median } from '../src/deni/report/descriptive';
import { arg } from './args';
import { prepareStep } from './step-setup';

async function main(): Promise<void> {
  const rounds = Number(arg('rounds', '5'));
  const stepsPerRound = Number(arg('steps', '4'));
  const backend = await initBackend(parseBackendName(arg('backend', 'wasm')));
  const { dir, config, enc, labels, batchSize, seqLen, ourStep } =
    await prepareStep(arg('model', 'minilm-l6'));

  const py = spawn(
    path.resolve('.venv/bin/python'),
    [path.resolve('bench/engine_step_torch.py')],
    {
      stdio: ['pipe', 'pipe', 'inherit']
    }
  );
  const lines = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
  const ask = async <T>(req: object): Promise<T> => {
    py.stdin.write(`${JSON.stringify(req)}\n`);
    const next = await lines.next();
    return JSON.parse(next.value as string) as T;
  };
  const rows = (a: Int32Array): number[][] =>
    Array.from({ length: batchSize }, (_, r) =>
      Array.from(a.subarray(r * seqLen, (r + 1) * seqLen))
    );
  const info = await ask<{ threads: number; torch: string }>({
    cmd: 'setup',
    dir,
    ids: rows(enc.ids),
    mask: rows(enc.mask),
    labels,
    classes: 2,
    threads: Number(arg('torch-threads', '0'))
  });

  // Warm-up both sides (kernel compilation, allocator growth).
  await ourStep();
  await ourStep();
  await ask({ cmd: 'steps', n: 2 });
  const ours: number[] = [];
  const theirs: number[] = [];
  // CPU time per step (all threads of the process): on a shared machine it is far less
  // disturbed by other processes than wall time, as long as no side spins while waiting.
  const oursCpu: number[] = [];
  const theirsCpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let s = 0; s < stepsPerRound; s++) {
      const c0 = process.cpuUsage();
      ours.push(await ourStep());
      const c = process.cpuUsage(c0);
      oursCpu.push((c.user + c.system) / 1000);
    }
    const t = await ask<{ ms: number[]; cpu_ms?: number[] }>({
      cmd: 'steps',
      n: stepsPerRound
    });
    theirs.push(...t.ms);
    theirsCpu.push(...(t.cpu_ms ?? []));
    process.stderr.write(
      `round ${r + 1}/${rounds}: ours ${median(ours).toFixed(0)} ms (cpu ${median(oursCpu).toFixed(0)}), ` +
        `torch ${median(theirs).toFixed(0)} ms (cpu ${theirsCpu.length ? median(theirsCpu).toFixed(0) : '?'})\n`
    );
  }
  const { gflops: peak } = await ask<{ gflops: number }>({ cmd: 'peak' });
  py.stdin.end();

  // Matmul FLOPs of one step: forward (linears + attention) x 3 for forward + backward.
  const tokens = batchSize * seqLen;
  const h = config.hiddenSize;
  const perLayer =
    2 * tokens * (4 * h * h + 2 * h * config.intermediateSize) +
    4 * batchSize * seqLen * seqLen * h;
  const forwardFlops =
    config.numHiddenLayers * perLayer + 2 * batchSize * h * (h + 2);
  const stepFlops = 3 * forwardFlops;
  const oursMs = median(ours);
  const theirsMs = median(theirs);
  const result = {
    model: path.basename(dir),
    backend: backend.reason,
    batch: batchSize,
    seqLen,
    rounds,
    stepsPerRound,
    oursMedianMs: Number(oursMs.toFixed(1)),
    torchMedianMs: Number(theirsMs.toFixed(1)),
    ratio: Number((oursMs / theirsMs).toFixed(2)),
    oursCpuMedianMs: Number(median(oursCpu).toFixed(1)),
    torchCpuMedianMs: theirsCpu.length
      ? Number(median(theirsCpu).toFixed(1))
      : null,
    cpuRatio: theirsCpu.length
      ? Number((median(oursCpu) / median(theirsCpu)).toFixed(2))
      : null,
    load: os.loadavg().map(l => Number(l.toFixed(1))),
    cpu: cpuModel(),
    torchThreads: info.threads,
    torchVersion: info.torch,
    stepGflop: Number((stepFlops / 1e9).toFixed(2)),
    oursGflops: Number((stepFlops / oursMs / 1e6).toFixed(1)),
    torchGflops: Number((stepFlops / theirsMs / 1e6).toFixed(1)),
    numpyPeakGflops: Number(peak.toFixed(1))
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch(e => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
