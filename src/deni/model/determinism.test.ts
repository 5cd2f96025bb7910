import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureModel, repoRoot } from './test-support';

function runChild(backend: string, dir: string): string {
  const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
  return execFileSync(
    tsx,
    [path.join(__dirname, 'determinism-child.ts'), backend, dir],
    {
      cwd: repoRoot,
      encoding: 'utf8'
    }
  ).trim();
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
});
