// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import sweepSchema from '../../deni/sweep/sweep-spec.schema.json';
import { fieldsFromSchema, type IJsonSchema } from './schema-fields';
import {
  sweepCellSource,
  sweepNameOfSource,
  sweepStoreOfSource
} from './spec-yaml';
import { SweepForm } from './sweep-form';
import { SpecValidator } from './validate-spec';

const schema = sweepSchema as unknown as IJsonSchema;

function makeForm(): { form: SweepForm; changes: number[] } {
  const changes: number[] = [];
  const form = new SweepForm(fieldsFromSchema(schema), () => changes.push(1));
  document.body.replaceChildren(form.node);
  return { form, changes };
}

function type(form: SweepForm, path: string, text: string): void {
  const input = form.node.querySelector<HTMLInputElement>(
    `[data-path="${path}"] input`
  )!;
  input.value = text;
  input.dispatchEvent(new Event('input'));
}

function tick(form: SweepForm, path: string, option: string): void {
  form.node
    .querySelector<HTMLInputElement>(
      `[data-path="${path}"] input[value="${option}"]`
    )!
    .click();
}

describe('fieldsFromSchema on the SweepSpec schema', () => {
  it('picks one control per spec field from the schema', () => {
    const fields = fieldsFromSchema(schema);
    const kinds = Object.fromEntries(fields.map(f => [f.key, f.kind]));
    expect(kinds).toEqual({
      name: 'text',
      dataset: 'list',
      model: 'list',
      tuning: 'multi',
      strategies: 'multi',
      schedule: 'select',
      runs: 'integer',
      seed: 'integer',
      budget: 'group',
      backend: 'select',
      executor: 'select',
      store: 'text'
    });
    const strategies = fields.find(f => f.key === 'strategies')!;
    expect(strategies.options).toContain('deni');
    expect(strategies.options).toHaveLength(15);
    const budget = fields.find(f => f.key === 'budget')!;
    expect(budget.children!.map(c => `${c.key}:${c.kind}`)).toEqual([
      'samples:integer',
      'epochs:integer',
      'batchSize:integer',
      'maxLength:integer',
      'learningRate:number',
      'testSamples:integer'
    ]);
    expect(fields.filter(f => f.required).map(f => f.key)).toEqual([
      'name',
      'dataset',
      'model'
    ]);
  });
});

describe('SweepForm', () => {
  it('produces the %%deni sweep cell the user filled in, as YAML', () => {
    const { form, changes } = makeForm();
    type(form, 'name', 'quick');
    type(form, 'dataset', 'sst2-mini');
    type(form, 'model', 'minilm-l6, hf:prajjwal1/bert-tiny');
    tick(form, 'tuning', 'lora');
    tick(form, 'strategies', 'ensemble');
    type(form, 'runs', '5');
    type(form, 'budget.samples', '64');
    type(form, 'budget.epochs', '2');
    type(form, 'budget.maxLength', '25');
    form.node.querySelector<HTMLSelectElement>(
      '[data-path="backend"] select'
    )!.value = 'wasm';
    form.node.querySelector<HTMLSelectElement>(
      '[data-path="schedule"] select'
    )!.value = 'relative';
    expect(changes.length).toBeGreaterThan(5);
    const source = sweepCellSource(form.value());
    expect(source).toBe(
      [
        '%%deni sweep',
        'name: quick',
        'dataset: sst2-mini',
        'model:',
        '  - minilm-l6',
        '  - hf:prajjwal1/bert-tiny',
        'tuning:',
        '  - full',
        '  - lora',
        'strategies:',
        '  - default',
        '  - ensemble',
        '  - deni',
        'schedule: relative',
        'runs: 5',
        'seed: 0',
        'budget:',
        '  samples: 64',
        '  epochs: 2',
        '  batchSize: 8',
        '  maxLength: 25',
        'backend: wasm',
        'executor: local',
        'store: .deni/results.sqlite'
      ].join('\n')
    );
    expect(new SpecValidator(schema).validate(form.value()).size).toBe(0);
    expect(sweepNameOfSource(source)).toBe('quick');
    expect(sweepStoreOfSource(source)).toBe('.deni/results.sqlite');
    expect(YAML.parse(source.split('\n').slice(1).join('\n'))).toEqual(
      form.value()
    );
  });

  it('quotes YAML-significant text so the kernel reads back exactly what was typed', () => {
    const { form } = makeForm();
    type(form, 'name', 'n1');
    type(form, 'dataset', 'yes');
    type(form, 'model', '#not-a-comment');
    const parsed = YAML.parse(
      sweepCellSource(form.value()).replace(/^%%deni sweep\n/, '')
    );
    expect(parsed.dataset).toBe('yes');
    expect(parsed.model).toBe('#not-a-comment');
  });

  it('takes presets (from the settings) through setValue and rejects unknown fields', () => {
    const { form } = makeForm();
    form.setValue('runs', 3);
    form.setValue('backend', 'cpu');
    form.setValue('store', 'results/a.sqlite');
    const v = form.value();
    expect([v.runs, v.backend, v.store]).toEqual([
      3,
      'cpu',
      'results/a.sqlite'
    ]);
    expect(() => form.setValue('budget.nope', 1)).toThrow(
      'The sweep form has no field "budget.nope"'
    );
  });

  it('shows the schema errors beside their fields', () => {
    const { form } = makeForm();
    type(form, 'name', 'bad name!');
    type(form, 'budget.epochs', '0');
    tick(form, 'strategies', 'default');
    tick(form, 'strategies', 'deni');
    const errors = new SpecValidator(schema).validate(form.value());
    expect([...errors.keys()].sort()).toEqual([
      'budget.epochs',
      'dataset',
      'model',
      'name'
    ]);
    // The engine's wording (src/deni/sweep/spec.ts), as the kernel and the CLI report it.
    expect(errors.get('dataset')).toMatch(
      /^missing \(required\); allowed: a non-empty string, or a mapping/
    );
    expect(errors.get('name')).toBe(
      'got "bad name!"; allowed: a string: Handle for `%deni report <name>` and `deni report <name>`: letters, digits, `.`, `_` and `-`, starting with a letter or digit.'
    );
    expect(errors.get('budget.epochs')).toBe(
      'got 0; allowed: an integer >= 1 and <= 1000'
    );
    expect(form.value().strategies).toBeUndefined();
    form.showErrors(errors);
    const shown = form.node.querySelector(
      '[data-path="budget.epochs"] .jp-deni-field-error'
    )!;
    expect(shown.textContent).toBe(
      'Epochs got 0; allowed: an integer >= 1 and <= 1000'
    );
    expect(form.node.querySelectorAll('.jp-deni-field-invalid')).toHaveLength(
      4
    );
    form.showErrors(new Map());
    expect(form.node.querySelectorAll('.jp-deni-field-invalid')).toHaveLength(
      0
    );
  });

  it('reports the cross-field checks the kernel and the CLI make', () => {
    const errors = new SpecValidator(schema).validate({
      name: 'quick',
      dataset: 'sst2',
      model: 'minilm-l6',
      executor: 'redis',
      strategies: ['deni', 'deni']
    });
    expect(errors.get('executor')).toMatch(/without a Redis URL/);
    expect(errors.get('strategies')).toMatch(/duplicates strategies\[0\]/);
  });
});
