// Child process of auto-backend.test.ts (test support, not public API): bundled into a scratch
// application folder beside the bundled dist/auto-backend.mjs, as a sweep's process would run,
// it decides the sweep's `auto` the way runSweep does (resolveBackend, then expandSweep with
// the answer) and prints JSON: the back-end, the run keys of the `auto` sweep and of the same
// sweep naming wasm and tensorflow, and whether this process loaded a tfjs-node package.
import { resolveBackend } from '../../backend/resolve';
import type { ISweepSpec } from '../../contract/types';
import { expandSweep } from '../expand';

const SPEC: ISweepSpec = {
  name: 'auto-child',
  dataset: 'sst2',
  model: 'minilm-l6',
  tuning: ['full', 'lora'],
  strategies: [{ name: 'default' }, { name: 'ensemble', params: { K: 3 } }],
  runs: 2,
  seed: 7,
  budget: { samples: 32, epochs: 2, batchSize: 8, maxLength: 32 },
  backend: 'auto',
  executor: { kind: 'local' }
};

async function main(): Promise<void> {
  const backend = await resolveBackend('auto');
  const keys = (spec: ISweepSpec, resolved?: typeof backend.name): string[] =>
    expandSweep(spec, resolved ? { backend: resolved } : {}).map(r => r.key);
  process.stdout.write(
    `${JSON.stringify({
      backend,
      auto: keys(SPEC, backend.name),
      wasm: keys({ ...SPEC, backend: 'wasm' }),
      tensorflow: keys({ ...SPEC, backend: 'tensorflow' }),
      // Set by the stand-in tfjs-node when it is loaded (in the probe's process, never here).
      loadedHere:
        (globalThis as { __deniLoaded?: unknown }).__deniLoaded ?? null
    })}\n`
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stdout.write(
      `${JSON.stringify({ error: e instanceof Error ? e.message : String(e) })}\n`
    );
    process.exit(0);
  }
);
