// Where one engine training step spends its time (not a test): runs the step of step-setup.ts
// under tf.profile and prints kernel time by kernel name and by name + input shapes.
// Usage: npx tsx bench/profile-step.ts [--model minilm-l6] [--backend wasm] [--top 30]
// (DENI_WASM_THREADS sets the wasm threads). Kernel times of custom ops include their inner
// kernels, which are listed too, so the columns add up to more than the step.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, parseBackendName } from '../src/deni/backend';
import { arg } from './args';
import { prepareStep } from './step-setup';

function table(
  totals: Map<string, { ms: number; n: number }>,
  top: number
): string {
  return [...totals]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, top)
    .map(
      ([key, { ms, n }]) =>
        `${ms.toFixed(1).padStart(8)} ms ${String(n).padStart(5)}x  ${key}`
    )
    .join('\n');
}

async function main(): Promise<void> {
  const backend = await initBackend(parseBackendName(arg('backend', 'wasm')));
  const top = Number(arg('top', '30'));
  const { ourStep } = await prepareStep(arg('model', 'minilm-l6'));
  for (let i = 0; i < 2; i++) {
    await ourStep();
  }
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    times.push(await ourStep());
  }
  const info = await tf.profile(async () => {
    await ourStep();
  });
  const byName = new Map<string, { ms: number; n: number }>();
  const byShape = new Map<string, { ms: number; n: number }>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const shapes = k.inputShapes.map(s => `[${s.join(',')}]`).join(' x ');
    for (const [map, key] of [
      [byName, k.name],
      [byShape, `${k.name} ${shapes}`]
    ] as const) {
      const t = map.get(key) ?? { ms: 0, n: 0 };
      map.set(key, { ms: t.ms + ms, n: t.n + 1 });
    }
  }
  process.stdout.write(
    `${backend.reason}\nsteps (unprofiled): ${times.map(t => t.toFixed(0)).join(', ')} ms; ` +
      `${info.kernels.length} kernels in the profiled step\n\nby kernel:\n${table(byName, top)}\n\n` +
      `by kernel and input shapes:\n${table(byShape, top)}\n`
  );
}

main().catch(e => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
