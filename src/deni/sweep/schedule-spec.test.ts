import { describe, expect, it } from 'vitest';
import { listStrategies } from '../strategies';
import { checkStrategyParams, parseSweepSpec } from './index';
import { checkSetup } from './setup-check';
import { SCHEDULED_STRATEGIES } from '../contract';

const BASE = 'name: s\ndataset: sst2\nmodel: minilm-l6\n';

describe('sweep-wide DENI schedule (issue #17)', () => {
  it('schedule: relative becomes the parameter of DENI-family entries without one', () => {
    const { spec } = parseSweepSpec(
      `${BASE}schedule: relative\nstrategies: [default, ni, { name: deni, params: { schedule: paper } }, { name: de, params: { K: 3 } }]\n`
    );
    expect(spec.strategies).toEqual([
      { name: 'default' },
      { name: 'ni', params: { schedule: 'relative' } },
      { name: 'deni', params: { schedule: 'paper' } },
      { name: 'de', params: { K: 3, schedule: 'relative' } }
    ]);
    // paper (the default) leaves entries, and so their run keys, as they were
    const paper = parseSweepSpec(`${BASE}strategies: [deni]\n`).spec;
    expect(paper.strategies).toEqual([{ name: 'deni' }]);
  });

  it('lists exactly the strategies that declare a schedule parameter', () => {
    expect(
      listStrategies()
        .filter(s => s.params.some(p => p.name === 'schedule'))
        .map(s => s.name)
        .sort()
    ).toEqual([...SCHEDULED_STRATEGIES].sort());
  });

  it('a schedule that fits the budget nowhere is a spec error naming T and the constants', async () => {
    const { spec } = parseSweepSpec(
      `${BASE}strategies: [default, deni]\nbudget: { samples: 80, epochs: 2 }\n`
    );
    const errors = await checkSetup(spec);
    expect(errors).toHaveLength(1);
    expect(errors[0].pointer).toBe('/strategies/1');
    expect(errors[0].message).toMatch(
      /no noisy-interpolation cycle fits T = 20: a cycle of 125 steps/
    );
    const relative = parseSweepSpec(
      `${BASE}schedule: relative\nstrategies: [default, deni]\nbudget: { samples: 80, epochs: 2 }\n`
    ).spec;
    expect(await checkSetup(relative)).toEqual([]);
  });

  it('a missing paraphrase file is a spec error naming the file', async () => {
    const { spec } = parseSweepSpec(
      `${BASE}strategies: [{ name: augment, params: { paraphrases: /nonexistent/para.csv } }]\n`
    );
    const errors = await checkStrategyParams(spec);
    expect(errors.map(e => e.pointer)).toEqual([
      '/strategies/0/params/paraphrases'
    ]);
    expect(errors[0].message).toMatch(
      /paraphrase file \/nonexistent\/para\.csv not found/
    );
  });
});
