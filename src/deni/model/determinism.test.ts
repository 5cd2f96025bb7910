import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tensorflowBindingStatus } from '../backend';
import { fixtureModel, repoRoot } from './testing/fixtures';

function runChildWithReason(
  backend: string,
  dir: string,
  env: Record<string, string> = {}
): { hash: string; reason: string } {
  const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
  const out = execFileSync(
    tsx,
    [path.join(__dirname, 'testing/train-child.ts'), backend, dir],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, ...env }
    }
  );
  const { sha256, reason } = JSON.parse(
    out.trim().split('\n').pop() as string
  ) as { sha256: string; reason: string };
  return { hash: sha256, reason };
}

// The same child run without blocking the test worker's event loop (vitest's RPC times out
// when a worker stays blocked for a minute, which several long synchronous children can reach).
async function runChildAsync(
  backend: string,
  dir: string,
  env: Record<string, string> = {}
): Promise<{ hash: string; reason: string }> {
  const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
  const { stdout } = await promisify(execFile)(
    tsx,
    [path.join(__dirname, 'testing/train-child.ts'), backend, dir],
    { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, ...env } }
  );
  const { sha256, reason } = JSON.parse(
    stdout.trim().split('\n').pop() as string
  ) as { sha256: string; reason: string };
  return { hash: sha256, reason };
}

function runChild(backend: string, dir: string): string {
  return runChildWithReason(backend, dir).hash;
}

describe('same seed + same back-end => bit-identical across processes', () => {
  it.each(['wasm', 'cpu'])(
    '%s: two separate processes give the same loss, logits and weights',
    backend => {
      const dir = fixtureModel('tiny-albert');
      const a = runChild(backend, dir);
      const b = runChild(backend, dir);
      expect(a).toMatch(/^[0-9a-f]{64}$/);
      expect(b).toBe(a);
    }
  );

  it('a different model gives a different hash (the hash covers the run)', () => {
    expect(runChild('wasm', fixtureModel('tiny-roberta'))).not.toBe(
      runChild('wasm', fixtureModel('tiny-albert'))
    );
  });

  it('wasm gives the same bits on 1, 2 and 3 threads (real MiniLM-L6)', () => {
    const dir = fixtureModel('minilm-l6');
    const runs = ['1', '2', '3'].map(n =>
      runChildWithReason('wasm', dir, { DENI_WASM_THREADS: n })
    );
    expect(runs[0].reason).toMatch(/; 1 thread \(/);
    expect(runs[1].reason).toMatch(/; 2 threads \(/);
    expect(runs[2].reason).toMatch(/; 3 threads \(/);
    expect(runs[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(runs[1].hash).toBe(runs[0].hash);
    expect(runs[2].hash).toBe(runs[0].hash);
  });
});

// Native TensorFlow (tfjs-node built by scripts/setup.sh): for a fixed intra-op thread count, two
// processes give the same bits (TF_DETERMINISTIC_OPS on, one inter-op thread, the intra-op pool
// pinned before the binding loads). Different thread counts split TensorFlow's reductions and
// oneDNN's products differently, so they may differ in the last bits (bench/README.md).
const tfStatus = tensorflowBindingStatus();
describe.skipIf(!tfStatus.built)(
  `native tensorflow${tfStatus.built ? '' : ` (skipped: ${tfStatus.why})`}`,
  () => {
    it.each(['1', '2'])(
      'tensorflow on %s intra-op thread(s): two processes give the same bits (real MiniLM-L6)',
      async n => {
        const dir = fixtureModel('minilm-l6');
        const env = { DENI_TF_THREADS: n };
        const a = await runChildAsync('tensorflow', dir, env);
        const b = await runChildAsync('tensorflow', dir, env);
        expect(a.reason).toMatch(
          new RegExp(`native TensorFlow .* ${n} intra-op threads?`)
        );
        expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(b.hash).toBe(a.hash);
      },
      // Two processes that each load TensorFlow and MiniLM-L6 (~10 s each on an idle machine).
      300_000
    );

    // Async eager (scripts/tfjs-node-async-eager.patch) queues the same kernels in the same
    // order on TensorFlow's executor thread, with the outputs' shapes inferred on Node's thread:
    // the bits must be those of sync mode. Skipped for a binding built before the patch.
    it.skipIf(!tfStatus.built || !tfStatus.asyncEager)(
      `tensorflow on 2 intra-op threads: async eager gives the bits of sync mode (real MiniLM-L6)${tfStatus.built && !tfStatus.asyncEager ? ' (skipped: the binding was built without scripts/tfjs-node-async-eager.patch; rerun scripts/setup.sh)' : ''}`,
      async () => {
        const dir = fixtureModel('minilm-l6');
        const sync = await runChildAsync('tensorflow', dir, {
          DENI_TF_THREADS: '2',
          TFJS_NODE_ASYNC: '0'
        });
        const async_ = await runChildAsync('tensorflow', dir, {
          DENI_TF_THREADS: '2',
          TFJS_NODE_ASYNC: '1'
        });
        expect(sync.reason).not.toMatch(/async eager/);
        expect(async_.reason).toMatch(/2 intra-op threads .*, async eager/);
        expect(sync.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(async_.hash).toBe(sync.hash);
      },
      300_000
    );
  }
);
