import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT_CODES, main, progressText } from './cli';
import { ResultStore } from './sweep';
import { FAKE_RUNNER, REPO_ROOT, tempDir } from './sweep/test-helpers';

/** Runs `deni` in this process, capturing what it prints. */
async function deni(
  ...argv: string[]
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      out += chunk.toString();
      return true;
    });
  const e = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      err += chunk.toString();
      return true;
    });
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

const SPEC = `name: cli
dataset: sst2
model: minilm-l6
tuning: [full]
strategies: [default, ensemble]
runs: 3
seed: 3
budget: { samples: 16, epochs: 1, batchSize: 8 }
executor: { kind: local, workers: 1 }
`;

describe('deni CLI', () => {
  it('prints help with the exit codes for the program and each command', async () => {
    const top = await deni('--help');
    expect(top.code).toBe(EXIT_CODES.ok);
    for (const cmd of [
      'sweep',
      'plan',
      'report',
      'export',
      'worker',
      'datasets',
      'models',
      'strategies'
    ]) {
      expect(top.out).toContain(cmd);
      const sub = await deni(cmd, '--help');
      expect(sub.code).toBe(0);
      expect(sub.out).toContain(`Usage: deni ${cmd}`);
    }
    expect(top.out).toMatch(/130\s+interrupted/);
  });

  it('answers bad arguments with usage, what was wrong and exit code 2', async () => {
    const bad = await deni('plan', '--strategy', 'deni', '--samples', 'abc');
    expect(bad.code).toBe(EXIT_CODES.usage);
    expect(bad.err).toMatch(/--samples must be an integer >= 1, got "abc"/);
    expect(bad.err).toContain('Usage: deni plan');
    expect((await deni('frobnicate')).code).toBe(EXIT_CODES.usage);
    expect((await deni('report')).err).toMatch(
      /missing required argument 'sweep'/
    );
    const fmt = await deni('export', 'x', '--format', 'xlsx');
    expect(fmt.code).toBe(2);
    expect(fmt.err).toMatch(/Allowed choices are csv, json/);
    const strategy = await deni('plan', '--strategy', 'denni');
    expect(strategy.code).toBe(2);
    expect(strategy.err).toMatch(/denni/);
  });

  it('rejects an invalid spec with its line and field (exit 2) and a missing file', async () => {
    const dir = tempDir('cli');
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, SPEC.replace('runs: 3', 'runs: zero'));
    const r = await deni('sweep', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/line 6: runs: got "zero"; allowed: an integer >= 1/);
    const missing = await deni('sweep', path.join(dir, 'nope.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read sweep spec .*nope\.yaml/);
  });

  it('runs a sweep, then exports, reports and lists it; unknown sweeps exit 3', async () => {
    const dir = tempDir('cli');
    const file = path.join(dir, 'spec.yaml');
    const store = path.join(dir, 'r.sqlite');
    writeFileSync(file, SPEC);
    const run = await deni(
      'sweep',
      file,
      '--store',
      store,
      '--runner',
      FAKE_RUNNER,
      '--json'
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({
      total: 6,
      stored: 6,
      executed: 6,
      cached: 0
    });
    const again = await deni(
      'sweep',
      file,
      '--store',
      store,
      '--runner',
      FAKE_RUNNER,
      '--no-progress'
    );
    expect(again.out).toMatch(
      /6\/6 runs stored \(6 cached, 0 trained, 0 failed\)/
    );
    const csv = await deni('export', 'cli', '--store', store);
    expect(csv.out.trim().split('\n')).toHaveLength(7);
    expect(csv.out.split('\n')[1]).toMatch(
      /^cli,sst2,minilm-l6,full,default,\{\},0,/
    );
    const md = await deni('report', 'cli', '--store', store, '--format', 'md');
    expect(md.code).toBe(0);
    expect(md.out).toMatch(/\| strategy \|/);
    expect(md.out).toMatch(/\| ensemble \|/);
    const listed = await deni('sweeps', '--store', store, '--json');
    expect(JSON.parse(listed.out)).toEqual([
      expect.objectContaining({ name: 'cli', done: 6, total: 6 })
    ]);
    const none = await deni('report', 'other', '--store', store);
    expect(none.code).toBe(EXIT_CODES.store);
    expect(none.err).toMatch(/no sweep named "other" .* known sweeps: cli/);
  });

  it('exits 1 when runs fail, naming them', async () => {
    const dir = tempDir('cli');
    const file = path.join(dir, 'spec.yaml');
    writeFileSync(
      file,
      SPEC.replace(
        '[default, ensemble]',
        '[default, {name: swa, params: {fakeFail: true}}]'
      )
    );
    const r = await deni(
      'sweep',
      file,
      '--store',
      path.join(dir, 'r.sqlite'),
      '--runner',
      FAKE_RUNNER
    );
    expect(r.code).toBe(EXIT_CODES.runFailure);
    expect(r.err).toMatch(
      /failed: sst2 \/ minilm-l6 \/ full \/ swa\(fakeFail=true\) #0: fake failure of run 0/
    );
  });

  it('lists strategies, models and data sets, and prints plans', async () => {
    const s = await deni('strategies', '--json');
    expect(JSON.parse(s.out).map((x: { name: string }) => x.name)).toContain(
      'deni'
    );
    const plan = await deni(
      'plan',
      '--strategy',
      'deni',
      '--samples',
      '1000',
      '--epochs',
      '10',
      '--batch',
      '8',
      '--json'
    );
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.out).cost.modelSteps).toBeGreaterThan(1250);
    expect((await deni('models')).out).toContain('minilm-l6');
    expect((await deni('datasets')).code).toBe(0);
  });

  it('draws a progress line', () => {
    expect(
      progressText(
        {
          sweep: 's',
          done: 5,
          total: 10,
          cached: 2,
          failed: 1,
          current: {
            run: 3,
            strategy: 'deni',
            tuning: 'lora',
            step: 40,
            totalSteps: 80,
            dataset: 'sst2'
          },
          etaSeconds: 125
        },
        10
      )
    ).toBe(
      '[#####-----] 5/10  2 cached  1 failed  sst2 deni/lora #3 step 40/80  ETA 2m05s'
    );
  });

  it('exits with the documented code as a real process', () => {
    const tsx = pathToFileURL(createRequire(__filename).resolve('tsx')).href;
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        tsx,
        path.join(REPO_ROOT, 'src/deni/cli.ts'),
        'plan',
        '--batch',
        '0'
      ],
      {
        encoding: 'utf8'
      }
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--batch must be an integer >= 1, got "0"/);
  });
});

describe('deni sweep with the built-in trainer', () => {
  it('checks strategy parameters before running, naming line, field and the valid names', async () => {
    const dir = tempDir('cli');
    const file = path.join(dir, 'spec.yaml');
    writeFileSync(
      file,
      SPEC.replace(
        '[default, ensemble]',
        '[default, {name: deni, params: {Kk: 3}}]'
      )
    );
    const r = await deni('sweep', file, '--store', path.join(dir, 'r.sqlite'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /line 5: strategies\[1\]\.params: strategy 'deni' has no parameter 'Kk'/
    );
    expect(r.err).toMatch(/allowed: parameters K, s2/);
  });
});

describe('deni sweep interrupted', () => {
  it('cancels on SIGINT with exit 130, keeps finished runs and records no failures', async () => {
    const dir = tempDir('cli-int');
    const file = path.join(dir, 'spec.yaml');
    const store = path.join(dir, 'r.sqlite');
    writeFileSync(file, SPEC.replace('runs: 3', 'runs: 20'));
    const tsx = pathToFileURL(createRequire(__filename).resolve('tsx')).href;
    const child = spawn(
      process.execPath,
      [
        '--import',
        tsx,
        path.join(REPO_ROOT, 'src/deni/cli.ts'),
        'sweep',
        file,
        '--store',
        store,
        '--runner',
        FAKE_RUNNER,
        '--no-progress'
      ],
      {
        env: { ...process.env, DENI_FAKE_DELAY_MS: '400' },
        stdio: ['ignore', 'pipe', 'pipe']
      }
    );
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const code = new Promise<number | null>(resolve =>
      child.once('exit', c => resolve(c))
    );
    const storedNow = (): number => {
      if (!existsSync(store)) {
        return 0;
      }
      const db = ResultStore.open(store);
      try {
        return db.count();
      } finally {
        db.close();
      }
    };
    for (let i = 0; i < 600 && storedNow() < 1; i++) {
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    child.kill('SIGINT');
    expect(await code).toBe(EXIT_CODES.interrupted);
    expect(err).toMatch(/rerun the same command to resume/);
    const db = ResultStore.open(store);
    const stored = db.count();
    expect(stored).toBeGreaterThanOrEqual(1);
    expect(stored).toBeLessThan(40);
    expect(db.failures('cli')).toEqual([]);
    db.close();
  });
});
