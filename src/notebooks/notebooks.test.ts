/**
 * The notebooks of `notebooks/` executed headless on the DENI kernel (nbconvert, like CI): every
 * comparison notebook with `profile = 'tiny'` injected into its parameters cell, and the
 * quick-start as it is (the slowest test of the suite: a real sweep of 15 MiniLM runs). Each must
 * end with a report that holds a table and a figure, and no error output.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  IWorkspace,
  NOTEBOOKS,
  VENV_PYTHON,
  cellSource,
  defaultModelCached,
  executeNotebook,
  injectParameters,
  makeWorkspace,
  readNotebook,
  reportProblems,
  reportsOf
} from './execute';
import { REPO_ROOT } from '../kernel-bridge/testing/kernel-client';

const COMPARISONS = [
  'full-strategies.ipynb',
  'peft-mitigation.ipynb',
  'deni-augmentation.ipynb',
  'cost-vs-stability.ipynb',
  'ablations.ipynb',
  'cpu-study.ipynb'
];

/** The default profile of each notebook's parameters cell (Study II's is the measured one). */
const DEFAULT_PROFILE: Record<string, string> = { 'cpu-study.ipynb': 'cpu' };

const haveVenv = existsSync(VENV_PYTHON);
const haveTinyModel = existsSync(
  join(REPO_ROOT, 'fixtures/models/tiny-bert/model.safetensors')
);

describe('notebooks folder', () => {
  it('has the quick-start and one notebook per comparison, on the deni kernel', () => {
    const names = readdirSync(NOTEBOOKS).filter(n => n.endsWith('.ipynb'));
    expect(names.sort()).toEqual(['quickstart.ipynb', ...COMPARISONS].sort());
    for (const name of names) {
      const nb = readNotebook(join(NOTEBOOKS, name));
      expect(nb.metadata.kernelspec).toMatchObject({
        name: 'deni',
        display_name: 'DENI (TypeScript)'
      });
      expect(
        nb.cells.some(
          c =>
            c.cell_type === 'code' && cellSource(c).startsWith('%%deni sweep')
        )
      ).toBe(true);
      if (name !== 'quickstart.ipynb') {
        const params = nb.cells.filter(c =>
          c.metadata.tags?.includes('parameters')
        );
        expect(params).toHaveLength(1);
        expect(cellSource(params[0])).toContain(
          `const profile = '${DEFAULT_PROFILE[name] ?? 'quick'}';`
        );
      }
    }
  });

  it('injects parameters papermill-style and refuses notebooks without a parameters cell', () => {
    const nb = readNotebook(join(NOTEBOOKS, 'ablations.ipynb'));
    const injected = injectParameters(nb, { profile: 'tiny' });
    const cell = injected.cells.find(c =>
      c.metadata.tags?.includes('injected-parameters')
    );
    expect(cell && cellSource(cell)).toMatch(/const profile = "tiny";/);
    expect(injected.cells).toHaveLength(nb.cells.length);
    expect(() =>
      injectParameters(
        { ...nb, cells: nb.cells.filter(c => !c.metadata.tags) },
        { profile: 'x' }
      )
    ).toThrow(/parameters/);
  });
});

describe.skipIf(!haveVenv || !haveTinyModel)(
  'comparison notebooks, tiny profile',
  () => {
    let ws: IWorkspace;

    beforeAll(async () => {
      ws = await makeWorkspace();
    });

    afterAll(() => {
      if (ws) {
        rmSync(ws.dir, { recursive: true, force: true });
      }
    });

    it.each(COMPARISONS)(
      '%s runs with profile tiny and ends in a report with a table and a figure',
      async name => {
        const nb = injectParameters(readNotebook(join(NOTEBOOKS, name)), {
          profile: 'tiny'
        });
        const { notebook } = await executeNotebook(ws, nb, name, 600);
        expect(reportProblems(notebook)).toEqual([]);
        const reports = reportsOf(notebook);
        expect(reports.every(r => r.sweep.endsWith('-tiny'))).toBe(true);
        // Every configuration of the sweep has its runs (2 per strategy in the tiny profile).
        for (const r of reports) {
          expect(r.stats.length).toBeGreaterThan(0);
          expect(r.stats.every(s => s.runs === 2)).toBe(true);
        }
      },
      900_000
    );

    it('rejects an unknown profile with a readable error', async () => {
      const nb = injectParameters(
        readNotebook(join(NOTEBOOKS, 'ablations.ipynb')),
        { profile: 'huge' }
      );
      await expect(
        executeNotebook(ws, nb, 'bad-profile.ipynb', 120)
      ).rejects.toThrow(/profile is "huge"; valid: tiny, quick, paper/);
    }, 300_000);
  }
);

describe.skipIf(
  !haveVenv || !defaultModelCached() || process.env.DENI_SKIP_QUICKSTART === '1'
)('quick-start notebook (real MiniLM sweep)', () => {
  let ws: IWorkspace;

  beforeAll(async () => {
    ws = await makeWorkspace();
  });

  afterAll(() => {
    if (ws) {
      rmSync(ws.dir, { recursive: true, force: true });
    }
  });

  it('executes headless and shows a table and a figure; re-executes from the store', async () => {
    const nb = readNotebook(join(NOTEBOOKS, 'quickstart.ipynb'));
    const first = await executeNotebook(ws, nb, 'quickstart.ipynb', 900);
    expect(reportProblems(first.notebook)).toEqual([]);
    const [report] = reportsOf(first.notebook);
    expect(report.sweep).toBe('quickstart');
    expect(report.stats.map(s => s.strategyName ?? s.strategy).sort()).toEqual([
      'default',
      'deni',
      'ensemble'
    ]);
    expect(report.stats.every(s => s.runs === 5)).toBe(true);
    // Second execution: every run comes from the store, the numbers are identical.
    const second = await executeNotebook(ws, nb, 'quickstart.ipynb', 300);
    const [again] = reportsOf(second.notebook);
    expect(again.stats.map(s => [s.mean, s.std])).toEqual(
      report.stats.map(s => [s.mean, s.std])
    );
    expect(again.progress?.cached).toBe(again.progress?.total);
  }, 1_500_000);
});
