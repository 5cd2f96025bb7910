import { describe, expect, it } from 'vitest';
import {
  exportCommand,
  planCommand,
  quoteArg,
  reportCommand
} from './deni-kernel';
import { readPlanAnswer } from './plan-estimate';

const spec = {
  name: 'quick',
  dataset: ['sst2-mini', 'trec-mini'],
  model: 'minilm-l6',
  tuning: ['lora', 'full'],
  strategies: ['default', { name: 'deni', params: { K: 5 } }],
  runs: 5,
  budget: { samples: 64, epochs: 2, batchSize: 8 }
};

describe('magic lines', () => {
  it('asks %deni plan for the spec strategies and budget, as JSON', () => {
    expect(planCommand(spec)).toBe(
      '%deni plan default,deni --samples 64 --epochs 2 --batch 8 --json'
    );
    expect(planCommand({ ...spec, schedule: 'relative' })).toBe(
      '%deni plan default,deni --samples 64 --epochs 2 --batch 8 --schedule relative --json'
    );
    expect(() => planCommand({ ...spec, strategies: [] })).toThrow(
      'at least one strategy'
    );
  });

  it('quotes arguments the kernel would split', () => {
    expect(quoteArg('my sweep "1"')).toBe('"my sweep \\"1\\""');
    expect(reportCommand('quick')).toBe('%deni report quick');
    expect(reportCommand('quick', 'out dir/r.sqlite')).toBe(
      '%deni report quick --store "out dir/r.sqlite"'
    );
    expect(exportCommand('quick')).toBe('%deni export quick --format csv');
  });
});

describe('readPlanAnswer', () => {
  const result = (bundles: Record<string, unknown>[], stream = '') => ({
    status: 'ok',
    stream,
    bundles,
    error: null
  });

  /** A plan entry as the kernel sends it (only the fields the estimate reads matter). */
  const entry = (strategy: string, modelSteps: number) => ({
    strategy,
    description: `${strategy} plan`,
    plan: {},
    events: [],
    cost: {
      modelSteps,
      passesPerTestSample: 1,
      relativeToDefault: 1,
      relativeToEnsemble: 0.1
    }
  });

  it('multiplies the per-run model-steps by runs and configurations', () => {
    const answer = readPlanAnswer(
      result([
        {
          'application/json': {
            plans: [
              entry('default', 16),
              entry('deni', 40),
              entry('ensemble', 160)
            ]
          },
          'text/plain': 'plan'
        }
      ]),
      spec
    );
    expect(answer).toEqual({
      kind: 'estimate',
      estimate: {
        rows: [
          { strategy: 'default', modelSteps: 16 },
          { strategy: 'deni', modelSteps: 40 }
        ],
        configurations: 4,
        runs: 5,
        totalModelSteps: (16 + 40) * 5 * 4
      },
      text: 'plan'
    });
  });

  it('reads the answer of the real engine (IPlanEntry of src/deni/contract)', async () => {
    const { getStrategy } = await import('../../deni/strategies');
    const strategy = getStrategy('deni');
    const plan = strategy.plan({
      samples: 64,
      epochs: 2,
      batchSize: 8,
      params: { schedule: 'relative' }
    });
    const answer = readPlanAnswer(
      result([
        {
          'application/json': JSON.parse(
            JSON.stringify({
              plans: [
                {
                  strategy: 'deni',
                  description: strategy.description,
                  plan,
                  events: plan.events,
                  cost: plan.cost
                }
              ]
            })
          ),
          'text/plain': 'plan'
        }
      ]),
      { ...spec, strategies: ['deni'] }
    );
    expect(answer.kind === 'estimate' && answer.estimate.rows).toEqual([
      { strategy: 'deni', modelSteps: plan.cost.modelSteps }
    ]);
  });

  it('does not guess at other shapes: a plan without cost.modelSteps is shown as text', () => {
    const answer = readPlanAnswer(
      result([
        {
          'application/json': {
            plans: [{ strategy: 'default', modelSteps: 16 }]
          },
          'text/plain': 'strategy default\ncost: 16 model-steps'
        }
      ]),
      spec
    );
    expect(answer).toEqual({
      kind: 'text',
      text: 'strategy default\ncost: 16 model-steps'
    });
  });

  it("falls back to the kernel's text, and reports kernel errors", () => {
    expect(
      readPlanAnswer(
        result([{ 'text/plain': 'default: 16 model-steps' }]),
        spec
      )
    ).toEqual({
      kind: 'text',
      text: 'default: 16 model-steps'
    });
    expect(
      readPlanAnswer(
        { ...result([]), error: 'UsageError: unknown option --json' },
        spec
      )
    ).toEqual({
      kind: 'text',
      text: 'The kernel could not plan this sweep: UsageError: unknown option --json'
    });
  });
});
