import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOne as fakeRun } from '../sweep/testing/fake-runner';
import { exportJsonl, ResultStore, runSweep } from '../sweep';
import { parseSweepSpec } from '../sweep/spec';
import { smallSpec, tempDir } from '../sweep/testing/helpers';
import { regenerateExperiments } from './index';

const ROOT = path.resolve(__dirname, '../../..');

describe('EXPERIMENTS.md and its committed runs (issue #17)', () => {
  it('every table and figure spec equals what experiments/*/runs.jsonl regenerate', async () => {
    expect(
      existsSync(path.join(ROOT, 'experiments/quickstart/runs.jsonl'))
    ).toBe(true);
    const out = await regenerateExperiments(ROOT, { check: true });
    expect(out.studies).toContain('quickstart');
  });

  it('rewrites generated blocks from the runs, and check names what drifted', async () => {
    const root = tempDir('experiments');
    const store = ResultStore.open(path.join(root, 's.sqlite'));
    await runSweep(smallSpec('demo', 2), { runOne: fakeRun, store });
    mkdirSync(path.join(root, 'experiments/demo'), { recursive: true });
    writeFileSync(
      path.join(root, 'experiments/demo/runs.jsonl'),
      exportJsonl(store, 'demo')
    );
    store.close();
    const doc = [
      '# Experiments',
      '',
      '<!-- deni:tables demo paper -->',
      'stale',
      '<!-- /deni:tables -->',
      '',
      '<!-- deni:figure demo f1-box experiments/demo/f1-box.png -->',
      ''
    ].join('\n');
    writeFileSync(path.join(root, 'EXPERIMENTS.md'), doc);
    await expect(regenerateExperiments(root, { check: true })).rejects.toThrow(
      /out of date with experiments\/\*\/runs\.jsonl: EXPERIMENTS\.md, experiments\/demo\/f1-box\.plotly\.json/
    );
    const out = await regenerateExperiments(root);
    expect(out.text).toMatch(
      /<!-- deni:tables demo paper -->\n\n### .*\n\n\| strategy +\|/
    );
    expect(out.text).not.toContain('stale');
    await expect(
      regenerateExperiments(root, { check: true })
    ).resolves.toBeDefined();
    writeFileSync(
      path.join(root, 'EXPERIMENTS.md'),
      '<!-- deni:tables nope paper -->\n<!-- /deni:tables -->\n'
    );
    await expect(regenerateExperiments(root)).rejects.toThrow(
      /shows study 'nope', but experiments\/nope\/runs\.jsonl does not exist \(studies with runs: demo\)/
    );
  });

  it('a study of several sweeps: markers address STUDY/SWEEP, plain STUDY is ambiguous (#18)', async () => {
    const root = tempDir('experiments');
    const store = ResultStore.open(path.join(root, 's.sqlite'));
    await runSweep(smallSpec('main', 2), { runOne: fakeRun, store });
    // a second comparison of the same study: other strategies, its own runs
    const peft = parseSweepSpec(
      'name: peft\ndataset: sst2\nmodel: minilm-l6\ntuning: [lora]\nstrategies: [default, ensemble]\nruns: 3\nseed: 5\nbudget: { samples: 32, epochs: 2, batchSize: 8 }\n'
    ).spec;
    await runSweep(peft, { runOne: fakeRun, store });
    await runSweep(smallSpec('demo', 2), { runOne: fakeRun, store });
    mkdirSync(path.join(root, 'experiments/study'), { recursive: true });
    mkdirSync(path.join(root, 'experiments/demo'), { recursive: true });
    writeFileSync(
      path.join(root, 'experiments/study/runs.jsonl'),
      exportJsonl(store, ['main', 'peft'])
    );
    writeFileSync(
      path.join(root, 'experiments/demo/runs.jsonl'),
      exportJsonl(store, 'demo')
    );
    store.close();
    const doc = [
      '# Experiments',
      '',
      '<!-- deni:tables study/main stats -->',
      'stale',
      '<!-- /deni:tables -->',
      '',
      '<!-- deni:tables study/peft stats -->',
      'stale',
      '<!-- /deni:tables -->',
      '',
      '<!-- deni:tables demo stats -->',
      'stale',
      '<!-- /deni:tables -->',
      '',
      '<!-- deni:figure study/peft f1-box experiments/study/peft-f1-box.png -->',
      ''
    ].join('\n');
    writeFileSync(path.join(root, 'EXPERIMENTS.md'), doc);
    const out = await regenerateExperiments(root);
    expect(out.sweeps).toEqual(['study/main', 'study/peft', 'demo/demo']);
    expect(out.studies).toEqual(['study', 'demo']);
    const block = (address: string): string => {
      const m = new RegExp(
        `<!-- deni:tables ${address} stats -->\\n([\\s\\S]*?)<!-- /deni:tables -->`
      ).exec(out.text);
      expect(m).not.toBeNull();
      return m![1];
    };
    // each block shows its own sweep: 'main' compares default with deni, 'peft' with ensemble
    expect(block('study/main')).toMatch(/\| deni/);
    expect(block('study/main')).not.toMatch(/\| ensemble/);
    expect(block('study/peft')).toMatch(/\| ensemble/);
    expect(block('study/peft')).not.toMatch(/\| deni/);
    expect(block('demo')).toBe(block('study/main'));
    const fig = JSON.parse(
      readFileSync(
        path.join(root, 'experiments/study/peft-f1-box.plotly.json'),
        'utf8'
      )
    );
    expect(JSON.stringify(fig)).toMatch(/ensemble/);
    expect(JSON.stringify(fig)).not.toMatch(/deni/);
    await expect(
      regenerateExperiments(root, { check: true })
    ).resolves.toBeDefined();

    for (const [marker, error] of [
      [
        '<!-- deni:tables study stats -->\n<!-- /deni:tables -->',
        /shows study 'study', but experiments\/study\/runs\.jsonl holds 2 sweeps: address one as study\/main, study\/peft/
      ],
      [
        '<!-- deni:figure study f1-box x.png -->',
        /shows study 'study', but experiments\/study\/runs\.jsonl holds 2 sweeps: address one as study\/main, study\/peft/
      ],
      [
        '<!-- deni:tables study/nope stats -->\n<!-- /deni:tables -->',
        /shows 'study\/nope', but experiments\/study\/runs\.jsonl holds no sweep 'nope' \(its sweeps: main, peft\)/
      ],
      [
        '<!-- deni:tables other/main stats -->\n<!-- /deni:tables -->',
        /shows study 'other', but experiments\/other\/runs\.jsonl does not exist \(studies with runs: demo, study\)/
      ],
      [
        '<!-- deni:figure study/main no-such x.png -->',
        /study 'study\/main' has no figure 'no-such' \(figures: /
      ]
    ] as const) {
      writeFileSync(path.join(root, 'EXPERIMENTS.md'), `${marker}\n`);
      await expect(regenerateExperiments(root)).rejects.toThrow(error);
    }
  });

  it('tables blocks take the per-run-index kinds byrun and paired', async () => {
    const root = tempDir('experiments');
    const store = ResultStore.open(path.join(root, 's.sqlite'));
    await runSweep(smallSpec('demo', 3), { runOne: fakeRun, store });
    mkdirSync(path.join(root, 'experiments/demo'), { recursive: true });
    writeFileSync(
      path.join(root, 'experiments/demo/runs.jsonl'),
      exportJsonl(store, 'demo')
    );
    store.close();
    writeFileSync(
      path.join(root, 'EXPERIMENTS.md'),
      '<!-- deni:tables demo byrun,paired -->\n<!-- /deni:tables -->\n'
    );
    const out = await regenerateExperiments(root);
    expect(out.text).toMatch(
      /<!-- deni:tables demo byrun,paired -->\n\n### Macro-F1 x 100 by run index[^\n]*\n\n\| dataset +\| tuning +\| run +\| +default +\|[\s\S]*### Paired against default by run index[^\n]*\n\n\| dataset +\| model +\| tuning +\| strategy +\| pairs +\|.*\n\|.*\n\| sst2 +\| minilm-l6 \| full +\| deni\(schedule=relative\) \| +0 \|(?: +\|){4} +0 \| +0 \| +0 \|\n\| sst2 +\| minilm-l6 \| lora +\| deni\(schedule=relative\) \| +1 \| +15\.54 \|/
    );
    writeFileSync(
      path.join(root, 'EXPERIMENTS.md'),
      '<!-- deni:tables demo runz -->\n<!-- /deni:tables -->\n'
    );
    await expect(regenerateExperiments(root)).rejects.toThrow(
      /unknown table 'runz' for study 'demo' \(valid: paper, stats, cost, runs, byrun, paired\)/
    );
  });
});
