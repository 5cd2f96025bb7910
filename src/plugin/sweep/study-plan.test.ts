// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import sweepSchema from '../../deni/sweep/sweep-spec.schema.json';
import type { IQuietResult } from '../kernel/deni-kernel';
import {
  datasetChoices,
  guessMapping,
  headerColumns,
  modelChoices
} from './choices';
import { fieldsFromSchema, type IJsonSchema } from './schema-fields';
import { readStudyPlan, studyPlanCell, studyPlanNode } from './study-plan';
import { SweepForm } from './sweep-form';
import { SpecValidator } from './validate-spec';

const schema = sweepSchema as unknown as IJsonSchema;

const answer = (json: unknown, error: string | null = null): IQuietResult => ({
  status: error ? 'error' : 'ok',
  stream: '',
  bundles: json === undefined ? [] : [{ 'application/json': json }],
  error
});

describe("the widget's study plan", () => {
  it('sends the spec as a %%deni plan cell with the question', () => {
    const cell = studyPlanCell(
      { name: 's', runs: 5, strategies: ['default', 'deni'] },
      { ratio: 0.5, power: 0.9 }
    );
    const [head, ...body] = cell.split('\n');
    expect(head).toBe('%%deni plan --detect-std-ratio 0.5 --power 0.9');
    expect(YAML.parse(body.join('\n'))).toEqual({
      name: 's',
      runs: 5,
      strategies: ['default', 'deni']
    });
    expect(studyPlanCell({ name: 's' }).split('\n')[0]).toBe('%%deni plan');
  });

  it('reads and draws runs needed, expected time and warnings', () => {
    const view = readStudyPlan(
      answer({
        study: {
          power: {
            runs: 25,
            ratio: 0.5,
            targetPower: 0.8,
            plannedRuns: 5,
            plannedPower: 0.03,
            maxRuns: 500,
            assumption: 'assumption: normal macro-F1'
          },
          estimate: {
            seconds: 190,
            workers: 2,
            groups: [
              {
                label: 'sst2 / minilm-l6 / full / default',
                runs: 5,
                modelSteps: 20,
                secondsPerRun: 21
              }
            ]
          },
          warnings: ['5 runs per strategy detect ... needs 25 runs']
        }
      })
    );
    expect(view.runsNeeded).toBe(25);
    const node = studyPlanNode(view);
    expect(node.querySelector('.jp-deni-plan-runs')?.textContent).toBe(
      'Runs needed: 25 runs per strategy to detect std / default = 0.5 with 80 % power (Brown-Forsythe).'
    );
    expect(node.querySelector('.jp-deni-plan-planned')?.textContent).toMatch(
      /5 runs per strategy → power 3 %/
    );
    expect(node.querySelector('.jp-deni-plan-time')?.textContent).toBe(
      "Expected time on the kernel's machine: 3 min 10 s on 2 worker(s)."
    );
    expect(node.querySelectorAll('.jp-deni-plan-table tbody tr')).toHaveLength(
      1
    );
    expect(node.querySelector('[role="alert"]')?.textContent).toMatch(
      /^Warning: 5 runs per strategy/
    );
    expect(() => readStudyPlan(answer(undefined, 'ValueError: bad'))).toThrow(
      /bad/
    );
    expect(() => readStudyPlan(answer({ plans: [] }))).toThrow(/no study plan/);
  });
});

describe("the widget's pickers", () => {
  it("lists the kernel's data sets and models with where they are and their sizes", () => {
    const sets = datasetChoices(
      answer({
        choices: [
          {
            id: 'uci-sentiment',
            size: 3000,
            classes: 2,
            availability: 'offline'
          },
          { id: 'sst2', size: 70042, classes: 2, availability: 'download' }
        ]
      })
    );
    expect(sets).toEqual([
      {
        value: 'uci-sentiment',
        label: 'uci-sentiment (3,000 samples, 2 classes)',
        group: 'Built-in (offline)'
      },
      {
        value: 'sst2',
        label: 'sst2 (70,042 samples, 2 classes)',
        group: 'Paper sets (need a download)'
      }
    ]);
    const models = modelChoices(
      answer({
        choices: [
          { name: 'minilm-l6', cached: true, sizeBytes: 90 * 1024 * 1024 },
          { name: 'roberta-base', cached: false }
        ]
      })
    );
    expect(models.map(m => [m.label, m.group])).toEqual([
      ['minilm-l6 (cached, 90 MiB)', 'Cached here'],
      ['roberta-base', 'Needs a download (Hugging Face Hub)']
    ]);
  });

  it('fills a field from its picker and keeps free entry', () => {
    const changes: number[] = [];
    const form = new SweepForm(fieldsFromSchema(schema), () => changes.push(1));
    document.body.replaceChildren(form.node);
    form.setChoices('dataset', [
      {
        value: 'uci-sentiment',
        label: 'uci-sentiment',
        group: 'Built-in (offline)'
      },
      { value: 'sst2', label: 'sst2', group: 'Paper sets (need a download)' }
    ]);
    const picker = form.node.querySelector<HTMLSelectElement>(
      '[data-path="dataset"] select.jp-deni-picker'
    )!;
    expect([...picker.querySelectorAll('optgroup')].map(g => g.label)).toEqual([
      'Built-in (offline)',
      'Paper sets (need a download)'
    ]);
    picker.value = 'sst2';
    picker.dispatchEvent(new Event('change'));
    expect(form.value().dataset).toBe('sst2');
    expect(changes.length).toBeGreaterThan(0);
    const input = form.node.querySelector<HTMLInputElement>(
      '[data-path="dataset"] input'
    )!;
    input.value = 'hf:owner/set';
    input.dispatchEvent(new Event('input'));
    expect(form.value().dataset).toBe('hf:owner/set');
  });

  it('uses a local file with the column mapping read from its header', () => {
    expect(
      headerColumns('d/x.csv', 'id,"the text",label\n1,"a, b",pos')
    ).toEqual(['id', 'the text', 'label']);
    expect(headerColumns('x.tsv', 'sentence\tcategory\n')).toEqual([
      'sentence',
      'category'
    ]);
    expect(headerColumns('x.jsonl', '{"review": "ok", "target": 1}\n')).toEqual(
      ['review', 'target']
    );
    expect(() => headerColumns('x.csv', 'only\n')).toThrow(/1 column/);
    expect(guessMapping(['id', 'Sentence', 'category'])).toEqual({
      textColumn: 'Sentence',
      labelColumn: 'category'
    });
    const form = new SweepForm(fieldsFromSchema(schema));
    const spec = {
      path: 'data/x.csv',
      textColumn: 'text',
      labelColumn: 'label'
    };
    form.setObject('dataset', spec, 'data/x.csv');
    expect(form.value().dataset).toEqual(spec);
    // The schema accepts it as a local file data set.
    const errors = new SpecValidator(schema).validate({
      ...form.value(),
      name: 'f',
      model: 'minilm-l6',
      tuning: ['full'],
      strategies: ['default'],
      runs: 2
    });
    expect(errors.get('dataset')).toBeUndefined();
  });
});
