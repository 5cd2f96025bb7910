import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
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
