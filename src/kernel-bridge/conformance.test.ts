/**
 * The kernel as Jupyter itself runs it: installed as the `deni` kernelspec in a temporary
 * JUPYTER_PATH, checked by jupyter_kernel_test (reference/kernel_conformance.py) and by a
 * headless `jupyter nbconvert --to notebook --execute` of a small notebook.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listModels } from '../deni/model';
import { REPORT_MIME } from '../deni/report/types';
import { REPO_ROOT, buildKernel, removeBuild } from './testing/kernel-client';

const PYTHON = join(REPO_ROOT, '.venv/bin/python');
const JUPYTER = join(REPO_ROOT, '.venv/bin/jupyter');
const hasVenv = existsSync(PYTHON) && existsSync(JUPYTER);
// The sweep cell trains for real, so it needs the MiniLM-L6 checkpoint in the model cache.
const modelCached = listModels().some(m => m.name === 'minilm-l6' && m.cached);

let jupyterPath: string;
let script: string | undefined;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  if (!hasVenv) {
    return;
  }
  script = await buildKernel();
  jupyterPath = mkdtempSync(join(tmpdir(), 'deni-jupyter-path-'));
  execFileSync(process.execPath, [
    script,
    'install',
    '--jupyter-path',
    jupyterPath
  ]);
  env = {
    ...process.env,
    JUPYTER_PATH: jupyterPath,
    // Keep runtime files (connection files) out of the user's home.
    JUPYTER_RUNTIME_DIR: mkdtempSync(join(tmpdir(), 'deni-jupyter-runtime-')),
    PYDEVD_DISABLE_FILE_VALIDATION: '1'
  };
});

afterAll(() => {
  if (script) {
    removeBuild(script);
  }
});

type Output = {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
};

function cell(source: string): Record<string, unknown> {
  return {
    cell_type: 'code',
    execution_count: null,
    metadata: {},
    outputs: [],
    source
  };
}

function text(value: unknown): string {
  return Array.isArray(value) ? value.join('') : String(value ?? '');
}

describe.skipIf(!hasVenv)('deni kernelspec in Jupyter', () => {
  it('is listed by jupyter kernelspec list', () => {
    const listing = execFileSync(JUPYTER, ['kernelspec', 'list', '--json'], {
      env
    }).toString();
    const spec = JSON.parse(listing).kernelspecs.deni;
    expect(spec.spec.display_name).toBe('DENI (TypeScript)');
    expect(spec.spec.interrupt_mode).toBe('message');
    expect(spec.spec.argv.slice(-2)).toEqual(['-f', '{connection_file}']);
  });

  it('passes the jupyter_kernel_test conformance suite', () => {
    const run = spawnSync(
      PYTHON,
      ['-m', 'unittest', '-v', 'reference/kernel_conformance.py'],
      {
        cwd: REPO_ROOT,
        env,
        encoding: 'utf8',
        timeout: 180_000
      }
    );
    const report = `${run.stdout}\n${run.stderr}`;
    expect(report, report).toMatch(/^OK \(skipped=1\)$/m);
    expect(run.status, report).toBe(0);
    for (const test of [
      'test_execute_result',
      'test_error',
      'test_completion',
      'test_history'
    ]) {
      expect(report).toMatch(new RegExp(`${test} .* ok`));
    }
  });

  it('executes a notebook headless with jupyter nbconvert', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deni-nbconvert-'));
    const sweep = [
      '%%deni sweep',
      'name: nb',
      'dataset: uci-sentiment',
      'model: minilm-l6',
      'tuning: lora',
      'strategies: [default]',
      'runs: 1',
      'seed: 3',
      'budget: { samples: 16, epochs: 1, batchSize: 8, maxLength: 16, testSamples: 32 }',
      'backend: wasm',
      'executor: { kind: local, workers: 1 }'
    ].join('\n');
    const cells = [
      cell(
        "const greeting: string = 'hello from deni';\nconsole.log(greeting)"
      ),
      cell('%deni help'),
      cell('%deni plan deni --samples 64 --epochs 2 --schedule relative'),
      ...(modelCached
        ? [
            cell(sweep),
            cell("deni.results('nb').map(r => r.spec.run)"),
            cell('%deni export nb --format csv')
          ]
        : [])
    ];
    const notebook = {
      cells,
      metadata: {
        kernelspec: {
          name: 'deni',
          display_name: 'DENI (TypeScript)',
          language: 'typescript'
        },
        language_info: { name: 'typescript' }
      },
      nbformat: 4,
      nbformat_minor: 5
    };
    writeFileSync(join(dir, 'quick.ipynb'), JSON.stringify(notebook));
    const run = spawnSync(
      JUPYTER,
      [
        'nbconvert',
        '--to',
        'notebook',
        '--execute',
        '--output',
        'out.ipynb',
        'quick.ipynb'
      ],
      { cwd: dir, env, encoding: 'utf8', timeout: 300_000 }
    );
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(readFileSync(join(dir, 'out.ipynb'), 'utf8'));
    const outputs = out.cells.map(
      (c: { outputs: Output[] }) => c.outputs
    ) as Output[][];
    expect(outputs[0]).toEqual([
      { output_type: 'stream', name: 'stdout', text: ['hello from deni\n'] }
    ]);
    expect(text(outputs[1][0].data?.['text/plain'])).toContain('%%deni sweep');
    expect(text(outputs[2][0].data?.['text/plain'])).toContain('strategy deni');
    if (modelCached) {
      // One output for the whole sweep: the progress display, replaced in place by the report.
      expect(outputs[3]).toHaveLength(1);
      const report = outputs[3][0].data?.[REPORT_MIME] as {
        status: string;
        sweep: string;
      };
      expect(report).toMatchObject({ status: 'done', sweep: 'nb' });
      expect(outputs[3][0].data?.['text/html']).toBeDefined();
      expect(text(outputs[4][0].data?.['text/plain'])).toBe('[ 0 ]');
      const csv = text(outputs[5][0].data?.['text/csv']).trim().split('\n');
      expect(csv[0]).toContain('macro_f1');
      expect(csv).toHaveLength(2);
      expect(existsSync(join(dir, '.deni', 'results.sqlite'))).toBe(true);
    }
  });
});
