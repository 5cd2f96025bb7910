import type { IParamSpec, ParamValue, StrategyParams } from './types';

/**
 * Paper defaults overlaid by overrides. Unknown names, wrong types and out-of-range values throw
 * one error naming the strategy, the parameter, the value and what is valid.
 */
export function resolveParams(
  strategy: string,
  specs: readonly IParamSpec[],
  overrides: Record<string, ParamValue> = {}
): StrategyParams {
  const out: StrategyParams = {};
  for (const s of specs) {
    out[s.name] = s.default;
  }
  const known = new Set(specs.map(s => s.name));
  for (const [name, value] of Object.entries(overrides)) {
    if (!known.has(name)) {
      const valid = specs.length ? specs.map(s => s.name).join(', ') : 'none';
      throw new RangeError(
        `strategy '${strategy}' has no parameter '${name}' (valid: ${valid})`
      );
    }
    const spec = specs.find(s => s.name === name) as IParamSpec;
    out[name] = checkValue(strategy, spec, value);
  }
  return out;
}

function checkValue(
  strategy: string,
  spec: IParamSpec,
  value: ParamValue
): ParamValue {
  const where = `strategy '${strategy}' parameter '${spec.name}'`;
  if (spec.type === 'enum') {
    const values = spec.values ?? [];
    if (typeof value !== 'string' || !values.includes(value)) {
      throw new RangeError(
        `${where} must be one of ${values.join(', ')}, got ${JSON.stringify(value)}`
      );
    }
    return value;
  }
  if (spec.type === 'string') {
    if (typeof value !== 'string') {
      throw new RangeError(
        `${where} must be a string, got ${JSON.stringify(value)}`
      );
    }
    return value;
  }
  if (spec.type === 'boolean') {
    if (typeof value !== 'boolean') {
      throw new RangeError(
        `${where} must be true or false, got ${JSON.stringify(value)}`
      );
    }
    return value;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(
      `${where} must be a finite number, got ${JSON.stringify(value)}`
    );
  }
  if (spec.type === 'integer' && !Number.isInteger(value)) {
    throw new RangeError(`${where} must be an integer, got ${value}`);
  }
  const lo = spec.min;
  const hi = spec.max;
  if ((lo !== undefined && value < lo) || (hi !== undefined && value > hi)) {
    throw new RangeError(
      `${where} must be in [${lo ?? '-inf'}, ${hi ?? 'inf'}], got ${value}`
    );
  }
  if (spec.greaterThan !== undefined && !(value > spec.greaterThan)) {
    throw new RangeError(
      `${where} must be > ${spec.greaterThan}, got ${value}`
    );
  }
  return value;
}

/** A numeric parameter of resolved params. */
export function num(params: StrategyParams, name: string): number {
  const v = params[name];
  if (typeof v !== 'number') {
    throw new Error(`internal: parameter '${name}' is not a number`);
  }
  return v;
}

/** A boolean parameter of resolved params. */
export function bool(params: StrategyParams, name: string): boolean {
  const v = params[name];
  if (typeof v !== 'boolean') {
    throw new Error(`internal: parameter '${name}' is not a boolean`);
  }
  return v;
}

/** A string (enum) parameter of resolved params. */
export function str(params: StrategyParams, name: string): string {
  const v = params[name];
  if (typeof v !== 'string') {
    throw new Error(`internal: parameter '${name}' is not a string`);
  }
  return v;
}

/** Shared parameter specs (PAPER.md values). */
export const P = {
  paraphrases: (): IParamSpec => ({
    name: 'paraphrases',
    type: 'string',
    default: '',
    description:
      "paraphrase file (CSV or JSONL of text, paraphrase rows; relative to the working directory); empty = the rule-based WordNet substitute, labelled '(wordnet)'"
  }),
  K: (d = 10): IParamSpec => ({
    name: 'K',
    type: 'integer',
    default: d,
    min: 2,
    max: 100,
    description: 'models in the ensemble (main + K-1 copies)'
  }),
  s2: (): IParamSpec => ({
    name: 's2',
    type: 'number',
    default: 0.15,
    greaterThan: 0,
    description:
      'noise variance: std = sqrt(s2) x std(W) (annealed: sqrt(s2 / t))'
  }),
  frac: (name: string, d: number, description: string): IParamSpec => ({
    name,
    type: 'number',
    default: d,
    min: 0,
    max: 1,
    description
  }),
  oneOf: (
    name: string,
    values: readonly string[],
    description: string
  ): IParamSpec => ({
    name,
    type: 'enum',
    values,
    default: values[0],
    description
  }),
  int: (
    name: string,
    d: number,
    min: number,
    description: string
  ): IParamSpec => ({
    name,
    type: 'integer',
    default: d,
    min,
    description
  })
};
