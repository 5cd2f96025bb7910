/**
 * A sweep in its own process (tests of concurrent sweeps on one Hub cache): resolves the Hub
 * inputs of `ag_news` x `bert-base-uncased` against a stand-in Hub, then runs the fake trainer in
 * a local worker. Usage: tsx sweep-child.ts ENDPOINT HUB_CACHE STORE NAME. Prints the outcome as JSON.
 */
import path from 'node:path';
import { runSweep } from '../run-sweep';
import { parseSweepSpec } from '../spec';

async function main(): Promise<void> {
  const [endpoint, cacheDir, store, name] = process.argv.slice(2);
  const { spec } = parseSweepSpec(
    `name: ${name}\ndataset: ag_news\nmodel: bert-base-uncased\ntuning: [full]\nstrategies: [default]\nruns: 2\nseed: 3\n` +
      'budget: { samples: 8, epochs: 1, batchSize: 4 }\nexecutor: { kind: local, workers: 1 }\n'
  );
  const out = await runSweep(spec, {
    store,
    resolveInputs: true,
    runnerModule: path.join(__dirname, 'fake-runner.ts'),
    hub: { endpoint, cacheDir, retryBaseMs: 10 }
  });
  process.stdout.write(
    JSON.stringify({
      executed: out.executed,
      failed: out.failed.map(f => f.error),
      keys: out.results.map(r => r.key),
      inputs: out.results.map(r => r.spec.inputs)
    })
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
