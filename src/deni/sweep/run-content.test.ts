/** Results keyed by content, and setup mistakes as spec errors (#21). */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOne as fakeRun } from './testing/fake-runner';
import { expandSweep, ResultStore, runSweep, SweepSpecError } from './index';
import { resolveRunContent } from './run-content';
import { parseSweepSpec } from './spec';
import { tempDir } from './testing/helpers';

const csv = (labels: number[]): string =>
  `text,label\n${labels.map((l, i) => `sample text number ${i},${l}`).join('\n')}\n`;

function fileSpec(file: string, extra = '') {
  return parseSweepSpec(
    `name: f\ndataset: { path: ${JSON.stringify(file)}, textColumn: text, labelColumn: label }\nmodel: minilm-l6\ntuning: [full]\nstrategies: [default]\nruns: 2\nseed: 3\nbudget: { samples: 16, epochs: 1, batchSize: 8 }\n${extra}`
  ).spec;
}

describe('run keys cover the content runs read', () => {
  it('an edited data file is trained again; old results stay under their old keys', async () => {
    const dir = tempDir('content');
    const file = path.join(dir, 'data.csv');
    const store = path.join(dir, 'r.sqlite');
    writeFileSync(file, csv([0, 1, 0, 1, 0, 1, 0, 1]));
    const first = await runSweep(fileSpec(file), { runOne: fakeRun, store });
    expect(first.executed).toBe(2);
    const again = await runSweep(fileSpec(file), { runOne: fakeRun, store });
    expect(again).toMatchObject({ cached: 2, executed: 0 });
    // Same path, same columns, different labels.
    writeFileSync(file, csv([1, 1, 0, 0, 1, 1, 0, 0]));
    const edited = await runSweep(fileSpec(file), { runOne: fakeRun, store });
    expect(edited).toMatchObject({ cached: 0, executed: 2 });
    const s = ResultStore.open(store, { readOnly: true });
    expect(s.count()).toBe(4);
    expect(edited.results[0].spec.content?.data).toMatch(
      /^sha256:[0-9a-f]{64}$/
    );
    s.close();
  });

  it('keys local model folders on their files and built-in data on its pinned package', async () => {
    const dir = tempDir('model');
    const model = path.join(dir, 'my-model');
    mkdirSync(model);
    writeFileSync(path.join(model, 'config.json'), '{"hidden_size": 8}');
    writeFileSync(path.join(model, 'tokenizer.json'), '{}');
    writeFileSync(path.join(model, 'model.safetensors'), 'weights-v1');
    const spec = {
      ...fileSpec('x.csv'),
      dataset: 'uci-sentiment',
      model
    };
    const options = {
      builtinData: (id: string) =>
        id === 'uci-sentiment' ? 'npm pkg@1.0.0' : undefined
    };
    const before = expandSweep(spec, {
      contentOf: await resolveRunContent(spec, options)
    });
    expect(before[0].content?.data).toBe('builtin npm pkg@1.0.0');
    writeFileSync(path.join(model, 'model.safetensors'), 'weights-v2');
    const after = expandSweep(spec, {
      contentOf: await resolveRunContent(spec, options)
    });
    expect(after[0].content?.model).not.toBe(before[0].content?.model);
    expect(after[0].key).not.toBe(before[0].key);
    // Without content (nothing fingerprinted) keys are what they were before this change.
    expect(expandSweep(spec)[0].content).toBeUndefined();
  });
});

describe('setup mistakes are spec errors before any run', () => {
  it('a folder given as a data file names the path', async () => {
    const dir = tempDir('folder');
    await expect(
      runSweep(fileSpec(dir), {
        runOne: fakeRun,
        store: path.join(dir, 'r.sqlite')
      })
    ).rejects.toThrow(SweepSpecError);
    await expect(
      runSweep(fileSpec(dir), {
        runOne: fakeRun,
        store: path.join(dir, 'r.sqlite')
      })
    ).rejects.toThrow(`${dir} is a folder, not a data file`);
  });

  it('an unknown data set and a DENI schedule that does not fit T', async () => {
    const dir = tempDir('setup');
    const spec = parseSweepSpec(
      'name: s\ndataset: no-such-set\nmodel: minilm-l6\ntuning: [full]\nstrategies: [deni]\nruns: 1\nbudget: { samples: 8, epochs: 1, batchSize: 8 }'
    ).spec;
    let error: unknown;
    try {
      await runSweep(spec, {
        runOne: fakeRun,
        checkParams: true,
        store: path.join(dir, 'r.sqlite')
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SweepSpecError);
    expect(String(error)).toMatch(/unknown data set "no-such-set"/);
    expect(String(error)).toMatch(
      /strategies\[0\].*does not fit the budget.*delayed.ensemble/
    );
  });
});

describe('data problems before any run', () => {
  it('reports empty texts as a warning (count and rows) and a broken file as a spec error', async () => {
    const dir = tempDir('warn');
    const file = path.join(dir, 'd.csv');
    writeFileSync(file, 'text,label\nhello,0\n,1\nworld,1\nagain,0\n');
    const warnings: string[] = [];
    await runSweep(fileSpec(file), {
      runOne: fakeRun,
      checkParams: true,
      store: path.join(dir, 'r.sqlite'),
      onWarning: l => warnings.push(l)
    });
    expect(warnings.join('\n')).toMatch(/1 row\(s\) with empty text .*row 2/);
    writeFileSync(file, 'text,label,label\nhello,0,1\n');
    await expect(
      runSweep(fileSpec(file), {
        runOne: fakeRun,
        checkParams: true,
        store: path.join(dir, 'r.sqlite')
      })
    ).rejects.toThrow(/header names column "label" twice/);
  });
});
