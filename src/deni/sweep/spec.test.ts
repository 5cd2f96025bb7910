import { describe, expect, it } from 'vitest';
import { deriveSeeds } from '../random';
import type { IRunSpec } from '../contract/types';
import {
  canonicalJson,
  expandSweep,
  parseSweepSpec,
  runKey,
  SweepSpecError,
  validateSweepSpec
} from './index';

function errorsOf(text: string, format?: 'yaml' | 'json') {
  try {
    parseSweepSpec(text, { format });
  } catch (e) {
    expect(e).toBeInstanceOf(SweepSpecError);
    return (e as SweepSpecError).errors;
  }
  throw new Error('expected the spec to be rejected');
}

describe('parseSweepSpec', () => {
  it('fills the PAPER.md defaults', () => {
    const { spec } = parseSweepSpec(
      'name: s\ndataset: sst2\nmodel: minilm-l6\n'
    );
    expect(spec).toEqual({
      name: 's',
      dataset: 'sst2',
      model: 'minilm-l6',
      tuning: ['full'],
      strategies: [{ name: 'default' }, { name: 'deni' }],
      runs: 20,
      seed: 0,
      budget: { samples: 1000, epochs: 10, batchSize: 8 },
      backend: 'auto',
      executor: { kind: 'local' },
      store: '.deni/results.sqlite'
    });
  });

  it('reads JSON the same as YAML', () => {
    const y = parseSweepSpec(
      'name: s\ndataset: sst2\nmodel: m\ntuning: lora\nstrategies: [swa]\n'
    ).spec;
    const j = parseSweepSpec(
      '{"name":"s","dataset":"sst2","model":"m","tuning":"lora","strategies":"swa"}',
      {
        format: 'json'
      }
    ).spec;
    expect(j).toEqual(y);
    expect(y.tuning).toEqual(['lora']);
    expect(y.strategies).toEqual([{ name: 'swa' }]);
  });

  it('names field path, line, bad value and what is allowed for every error', () => {
    const errors = errorsOf(
      [
        'name: s', //1
        'dataset: sst2', //2
        'model: m', //3
        'tuning: [lora, fulll]', //4
        'runs: -3', //5
        'budget:', //6
        '  epochs: 0', //7
        '  batchsize: 8', //8
        'executor: { kind: redis }' //9
      ].join('\n')
    );
    const byPath = Object.fromEntries(errors.map(e => [e.path, e]));
    expect(byPath['tuning[1]']).toMatchObject({ line: 4, value: 'fulll' });
    expect(byPath['tuning[1]'].message).toMatch(
      /"fulll".*"full", "lora", "ia3", "unipelt"/
    );
    expect(byPath.runs).toMatchObject({ line: 5, value: -3 });
    expect(byPath.runs.message).toMatch(/got -3; allowed: an integer >= 1/);
    expect(byPath['budget.epochs']).toMatchObject({ line: 7, value: 0 });
    expect(byPath['budget.batchsize'].line).toBe(8);
    expect(byPath['budget.batchsize'].message).toMatch(
      /did you mean "batchSize"/
    );
    expect(byPath['executor.redis'].message).toMatch(
      /required when executor.kind is "redis"/
    );
  });

  it('reports a missing required field and the branch a value meant', () => {
    const errors = errorsOf(
      'name: s\nmodel: m\ndataset:\n  - sst2\n  - { path: a.csv, textColumn: t }\n'
    );
    expect(errors).toHaveLength(1);
    expect(errors[0].path).toBe('dataset[1].labelColumn');
    expect(errors[0].message).toMatch(/missing \(required\)/);
    expect(errors[0].line).toBe(5);
    const missing = errorsOf('name: s\ndataset: sst2\n');
    expect(missing.map(e => e.path)).toEqual(['model']);
  });

  it('reports syntax errors with their line', () => {
    expect(errorsOf('name: s\ndataset: [sst2\nmodel: m\n')[0].message).toMatch(
      /YAML syntax error/
    );
    const json = errorsOf('{\n"name": "s",\n"dataset": 3,\n}', 'json');
    expect(json[0].message).toMatch(/JSON syntax error/);
    expect(json[0].line).toBe(4);
  });

  it('rejects duplicate strategies and bad names', () => {
    const errors = validateSweepSpec({
      name: 'bad name!',
      dataset: 'd',
      model: 'm',
      strategies: ['deni', 'deni']
    });
    expect(errors.map(e => e.path).sort()).toEqual(['name', 'strategies[1]']);
  });
});

describe('expandSweep', () => {
  const spec = parseSweepSpec(
    'name: s\ndataset: [sst2, cola]\nmodel: m\ntuning: [full, lora]\nstrategies: [default, deni]\nruns: 3\nseed: 5\n'
  ).spec;
  const runs = expandSweep(spec);

  it('crosses dataset x model x tuning x strategy x run, with paper max lengths', () => {
    expect(runs).toHaveLength(2 * 2 * 2 * 3);
    expect(
      runs.slice(0, 4).map(r => [r.dataset, r.tuning, r.strategy.name, r.run])
    ).toEqual([
      ['sst2', 'full', 'default', 0],
      ['sst2', 'full', 'default', 1],
      ['sst2', 'full', 'default', 2],
      ['sst2', 'full', 'deni', 0]
    ]);
    expect(runs[0].budget.maxLength).toBe(50);
    expect(runs[runs.length - 1].budget.maxLength).toBe(25);
    expect(new Set(runs.map(r => r.key)).size).toBe(runs.length);
  });

  it('gives run r the same per-factor seeds in every configuration (paper protocol)', () => {
    for (const r of runs) {
      expect(r.seeds).toEqual(deriveSeeds(5, r.run));
    }
    expect(runs[0].seeds.split).toBe(runs[1].seeds.split);
    expect(runs[0].seeds.init).not.toBe(runs[1].seeds.init);
  });

  it('keys by canonical JSON: key order and sweep name do not matter, any config change does', () => {
    const r = runs[0];
    const base: Omit<IRunSpec, 'key'> & { key?: string } = { ...r };
    delete base.key;
    expect(runKey(base)).toBe(r.key);
    const reordered = Object.fromEntries(
      Object.entries(base).reverse()
    ) as Omit<IRunSpec, 'key'>;
    expect(runKey(reordered)).toBe(r.key);
    expect(runKey({ ...base, sweep: 'other' })).toBe(r.key);
    expect(
      runKey({ ...base, budget: { ...base.budget, epochs: 11 } })
    ).not.toBe(r.key);
    expect(runKey({ ...base, strategy: { name: 'default', params: {} } })).toBe(
      r.key
    );
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe(
      '{"a":[1,{"c":3,"d":2}],"b":1}'
    );
    expect(r.key).toMatch(/^[0-9a-f]{64}$/);
  });
});
