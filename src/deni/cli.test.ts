import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT_CODES, main, progressText } from './cli';
import { parseSweepSpec, ResultStore, runSweep } from './sweep';
import { runOne as fakeRun } from './sweep/testing/fake-runner';
import {
  FAKE_RUNNER,
  REPO_ROOT,
  smallSpec,
  tempDir
} from './sweep/testing/helpers';

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

  it('exports several sweeps to one file and imports them back, a line per sweep (#18)', async () => {
    const dir = tempDir('cli');
    const src = path.join(dir, 'src.sqlite');
    const store = ResultStore.open(src);
    await runSweep(smallSpec('main', 2), { runOne: fakeRun, store });
    const peft = parseSweepSpec(
      'name: peft\ndataset: sst2\nmodel: minilm-l6\ntuning: [lora]\nstrategies: [ensemble]\nruns: 3\nseed: 5\nbudget: { samples: 32, epochs: 2, batchSize: 8 }\n'
    ).spec;
    await runSweep(peft, { runOne: fakeRun, store });
    store.close();

    // csv of two sweeps: one header, the rows of both, told apart by the sweep column
    const csv = await deni('export', 'main', 'peft', '--store', src);
    expect(csv.code).toBe(0);
    const rows = csv.out.trim().split('\n');
    expect(rows).toHaveLength(1 + 8 + 3);
    expect(rows.slice(1).map(r => r.split(',')[0])).toEqual([
      ...Array(8).fill('main'),
      ...Array(3).fill('peft')
    ]);

    const file = path.join(dir, 'runs.jsonl');
    const exported = await deni(
      'export',
      'main',
      'peft',
      '--format',
      'jsonl',
      '--store',
      src,
      '--out',
      file
    );
    expect(exported.code).toBe(0);
    const headers = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map(l => JSON.parse(l))
      .filter(l => 'format' in l);
    expect(headers.map(h => h.sweep)).toEqual(['main', 'peft']);

    const dst = path.join(dir, 'dst.sqlite');
    const imported = await deni('import', file, '--store', dst);
    expect(imported.code).toBe(0);
    expect(imported.out.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^sweep main: 8 run\(s\) imported, 0 identical skipped \(sweep added\) into /
      ),
      expect.stringMatching(
        /^sweep peft: 3 run\(s\) imported, 0 identical skipped \(sweep added\) into /
      )
    ]);
    const listed = await deni('sweeps', '--store', dst, '--json');
    expect(
      (JSON.parse(listed.out) as { name: string; done: number }[])
        .map(s => [s.name, s.done])
        .sort()
    ).toEqual([
      ['main', 8],
      ['peft', 3]
    ]);

    const twice = await deni('export', 'main', 'main', '--store', src);
    expect(twice.code).toBe(EXIT_CODES.usage);
    expect(twice.err).toMatch(/sweep "main" is named twice/);
    const unknown = await deni('export', 'main', 'nope', '--store', src);
    expect(unknown.code).toBe(EXIT_CODES.store);
    expect(unknown.err).toMatch(
      /no sweep named "nope" .* known sweeps: main, peft/
    );
    expect((await deni('export')).err).toMatch(
      /missing required argument 'sweep'/
    );
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
      /failed: sst2 \/ minilm-l6 \/ full \/ swa\{fakeFail=true\} #0: fake failure of run 0/
    );
  });

  it('reports a finished sweep with failed runs as "done, N failed" with reasons (#21)', async () => {
    const dir = tempDir('cli');
    const file = path.join(dir, 'spec.yaml');
    const store = path.join(dir, 'r.sqlite');
    writeFileSync(
      file,
      SPEC.replace(
        '[default, ensemble]',
        '[default, {name: swa, params: {fakeFail: true}}]'
      )
    );
    await deni('sweep', file, '--store', store, '--runner', FAKE_RUNNER);
    const r = await deni('report', 'cli', '--store', store);
    expect(r.code).toBe(EXIT_CODES.ok);
    expect(r.out).not.toMatch(/interrupted/);
    expect(r.out).toMatch(
      /done, 3 failed .*\n {2}run 0: .*fake failure of run 0/
    );
  });

  it('read-only commands never create a store; sweep on an unopenable store exits 3 (#21)', async () => {
    const dir = tempDir('cli');
    const missing = path.join(dir, 'nested', 'results.sqlite');
    for (const command of ['report', 'export']) {
      const r = await deni(command, 'x', '--store', missing);
      expect(r.code).toBe(EXIT_CODES.store);
      expect(r.err).toMatch(/no result store at/);
    }
    expect(existsSync(path.join(dir, 'nested'))).toBe(false);
    const file = path.join(dir, 'spec.yaml');
    writeFileSync(file, SPEC);
    // A folder where the store file should be cannot be opened as a database.
    const r = await deni(
      'sweep',
      file,
      '--store',
      dir,
      '--runner',
      FAKE_RUNNER
    );
    expect(r.code).toBe(EXIT_CODES.store);
    expect(r.err).toMatch(/cannot open result store/);
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
    const doctor = await deni('doctor', '--json');
    expect(doctor.code).toBe(0);
    expect(
      JSON.parse(doctor.out).backends.map((b: { name: string }) => b.name)
    ).toEqual(['tensorflow', 'webgpu', 'wasm', 'cpu']);
  });

  it('shows Hub download bytes in the progress line', () => {
    expect(
      progressText(
        {
          sweep: 's',
          done: 0,
          total: 4,
          cached: 0,
          failed: 0,
          download: {
            repo: 'google-bert/bert-base-uncased',
            file: 'model.safetensors',
            bytes: 110_000_000,
            total: 440_449_768
          }
        },
        4
      )
    ).toBe(
      '[----] 0/4  downloading google-bert/bert-base-uncased model.safetensors 110.0 MB / 440.4 MB (24 %)'
    );
  });

  it('plans the runs a variance question needs, from a pilot sweep or the normal assumption', async () => {
    const normal = await deni('plan', '--detect-std-ratio', '0.5', '--json');
    expect(normal.code).toBe(0);
    const answer = JSON.parse(normal.out).power;
    expect(answer.runs).toBeGreaterThan(15);
    expect(answer.runs).toBeLessThan(40);
    expect(answer.assumption).toMatch(/normal/);
    const text = await deni('plan', '--detect-std-ratio', '0.5');
    expect(text.out).toMatch(
      new RegExp(`runs needed: ${answer.runs} per strategy`)
    );
    // A pilot whose default runs include failures needs more runs than normal theory says.
    const dir = tempDir('cli-pilot');
    const storePath = path.join(dir, 'r.sqlite');
    const { syntheticGroup } = await import('./report/synthetic');
    const store = ResultStore.open(storePath);
    const runs = syntheticGroup(
      [85, 86, 84, 87, 85.5, 84.5, 86.5, 50, 85, 52],
      { sweep: 'pilot' }
    );
    store.registerSweep(
      {
        name: 'pilot',
        dataset: 'sst2',
        model: 'minilm-l6',
        tuning: ['full'],
        strategies: [{ name: 'default' }],
        runs: runs.length,
        seed: 0,
        budget: { samples: 1000, epochs: 10, batchSize: 8 },
        backend: 'cpu',
        executor: { kind: 'local' }
      },
      runs.map(r => r.spec)
    );
    for (const r of runs) {
      store.save(r);
    }
    store.close();
    const pilot = await deni(
      'plan',
      '--detect-std-ratio',
      '0.5',
      '--pilot',
      'pilot',
      '--store',
      storePath,
      '--json'
    );
    expect(pilot.code).toBe(0);
    const p = JSON.parse(pilot.out).power;
    expect(p.assumption).toMatch(/pilot: 10 default runs of sweep pilot/);
    expect(p.runs).toBeGreaterThan(answer.runs);
    expect((await deni('plan', '--detect-std-ratio', '1')).err).toMatch(
      /other than 1/
    );
    expect((await deni('plan', '--detect-std-ratio', '-2')).code).toBe(
      EXIT_CODES.usage
    );
    const none = await deni('plan');
    expect(none.code).toBe(EXIT_CODES.usage);
    expect(none.err).toMatch(
      /--strategy <name>, --detect-std-ratio <R> or --spec <file>/
    );
  });

  it('says which back-end auto becomes in plans and sweep lists (the runs are keyed by it)', async () => {
    const { resolveBackend } = await import('./backend/resolve');
    const here = await resolveBackend('auto');
    const dir = tempDir('cli-auto');
    const file = path.join(dir, 'auto.yaml');
    writeFileSync(
      file,
      `name: auto\ndataset: uci-sentiment\nmodel: ${JSON.stringify(path.join(REPO_ROOT, 'fixtures/models/tiny-bert'))}\n` +
        'tuning: [full]\nstrategies: [default]\nruns: 2\nseed: 3\n' +
        'budget: { samples: 16, epochs: 1, batchSize: 4, maxLength: 16, testSamples: 20 }\n'
    );
    const plan = await deni('plan', '--spec', file, '--no-measure');
    expect(plan.code).toBe(0);
    expect(plan.out).toMatch(
      new RegExp(`^backend auto -> ${here.name}: `, 'm')
    );
    const json = await deni('plan', '--spec', file, '--no-measure', '--json');
    expect(JSON.parse(json.out).backend).toEqual(here);

    // A sweep whose auto became wasm (a machine without tfjs-node), listed with what it became.
    const store = path.join(dir, 'r.sqlite');
    await runSweep(smallSpec('listed', 1), {
      store,
      runOne: fakeRun,
      resolveBackend: requested =>
        resolveBackend(requested, {
          probe: {
            tensorflow: async () => ({ ok: false, why: 'not installed' }),
            webgpu: async () => ({ ok: false, why: 'no adapter' })
          }
        })
    });
    const listed = await deni('sweeps', '--store', store);
    expect(listed.out).toMatch(
      /^listed\t4\/4 runs\t0 failed\t.*\tbackend auto -> wasm$/m
    );
    const listedJson = await deni('sweeps', '--store', store, '--json');
    expect(JSON.parse(listedJson.out)[0].backend).toBe('auto -> wasm');
  }, 120_000);

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
