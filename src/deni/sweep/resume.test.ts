import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Rng } from '../random';
import { runOne as fakeRun } from './testing/fake-runner';
import { exportResults, ResultStore, runSweep } from './index';
import { FAKE_RUNNER, REPO_ROOT, smallSpec, tempDir } from './testing/helpers';

const CLI = path.join(REPO_ROOT, 'src/deni/cli.ts');
const TSX = pathToFileURL(createRequire(__filename).resolve('tsx')).href;

function storedCount(file: string): number {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return (
        db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }
      ).n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function startSweep(
  specFile: string,
  store: string,
  markDir: string
): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--import',
      TSX,
      CLI,
      'sweep',
      specFile,
      '--store',
      store,
      '--runner',
      FAKE_RUNNER,
      '--workers',
      '2',
      '--no-progress'
    ],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DENI_FAKE_DELAY_MS: '120',
        DENI_FAKE_MARK_DIR: markDir
      },
      stdio: ['ignore', 'pipe', 'pipe']
    }
  );
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise(resolve => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve(child.exitCode);
    } else {
      child.once('exit', code => resolve(code));
    }
  });
}

describe('resume after kill -9', () => {
  it('finishes with exactly the results of an uninterrupted sweep, with no partial rows', async () => {
    const dir = tempDir('resume');
    const specText =
      'name: resume\ndataset: sst2\nmodel: minilm-l6\ntuning: [full, lora]\nstrategies: [default, deni]\nruns: 5\nseed: 11\nbudget: { samples: 32, epochs: 2, batchSize: 8 }\nschedule: relative\n';
    const specFile = path.join(dir, 'spec.yaml');
    writeFileSync(specFile, specText);
    const store = path.join(dir, 'interrupted.sqlite');
    const total = 20;
    const rng = new Rng(20261126);
    const killedAt: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const markDir = tempDir(`marks${attempt}`);
      const before = storedCount(store);
      // A seeded moment: after a chosen number of further stored runs, plus a chosen delay.
      const target = before + 1 + rng.int(3);
      const extraMs = rng.int(120);
      const child = startSweep(specFile, store, markDir);
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      while (storedCount(store) < target && child.exitCode === null) {
        await sleep(20);
      }
      await sleep(extraMs);
      expect(
        child.exitCode,
        `sweep ended before it could be killed: ${stderr}`
      ).toBeNull();
      child.kill('SIGKILL');
      await exited(child);
      killedAt.push(storedCount(store));
      // Workers notice their parent is gone and exit (no orphans holding the store or the cores).
      const workerPids = [
        ...new Set(readdirSync(markDir).map(f => Number(f.split('-')[0])))
      ];
      expect(workerPids.length).toBeGreaterThan(0);
      for (let i = 0; i < 100 && workerPids.some(alive); i++) {
        await sleep(50);
      }
      expect(workerPids.filter(alive)).toEqual([]);
    }
    expect(killedAt[killedAt.length - 1]).toBeLessThan(total);
    expect(killedAt.every((n, i) => i === 0 || n > killedAt[i - 1])).toBe(true);

    const final = startSweep(specFile, store, tempDir('marks-final'));
    let out = '';
    final.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    expect(await exited(final)).toBe(0);
    expect(out).toMatch(
      new RegExp(`${total}/${total} runs stored \\(${killedAt[2]} cached`)
    );

    const reference = await runSweep(smallSpec('resume', 5), {
      runOne: fakeRun,
      store: path.join(dir, 'reference.sqlite')
    });
    const db = ResultStore.open(store);
    try {
      expect(db.integrityCheck()).toBe('ok');
      expect(db.count()).toBe(total);
      expect(db.failures('resume')).toEqual([]);
      expect(exportResults(db.results('resume'), 'csv')).toBe(
        exportResults(reference.results, 'csv')
      );
    } finally {
      db.close();
    }
  });
});
