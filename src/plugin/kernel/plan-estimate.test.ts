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

  it('multiplies the per-run model-steps by runs and configurations', () => {
    const answer = readPlanAnswer(
      result([
        {
          'application/json': {
            strategies: [
              { strategy: 'default', modelSteps: 16 },
              { strategy: 'deni', cost: { modelSteps: 40 } },
              { strategy: 'ensemble', modelSteps: 160 }
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

  it('reads JSON printed on stdout too', () => {
    const answer = readPlanAnswer(
      result([], JSON.stringify([{ name: 'default', modelSteps: 10 }])),
      { ...spec, strategies: 'default' }
    );
    expect(answer.kind === 'estimate' && answer.estimate.totalModelSteps).toBe(
      10 * 5 * 4
    );
  });

  it("reads the kernel's plan text (one block per strategy)", () => {
    const text = [
      'strategy default: plain fine-tuning',
      'parameters: (none)',
      'training: 64 samples, batch 8, 2 epochs -> T = 16 optimiser steps per model',
      'cost: 16 model-steps (1.00 x default, 10.0 % of an ensemble of 10); 1 forward pass(es) per test sample',
      '',
      'strategy deni: Delayed Ensemble with Noisy Interpolation',
      'parameters: K=10 s2=0.15',
      '  step      0  copies          9 copies',
      'cost: 1,234 model-steps (77.13 x default, 771.3 % of an ensemble of 10); 10 forward pass(es) per test sample'
    ].join('\n');
    const answer = readPlanAnswer(result([{ 'text/plain': text }]), spec);
    expect(answer).toEqual({
      kind: 'estimate',
      estimate: {
        rows: [
          { strategy: 'default', modelSteps: 16 },
          { strategy: 'deni', modelSteps: 1234 }
        ],
        configurations: 4,
        runs: 5,
        totalModelSteps: (16 + 1234) * 5 * 4
      },
      text
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
