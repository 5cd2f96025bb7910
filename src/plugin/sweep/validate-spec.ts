/**
 * Validates the form's spec against the same JSON Schema the kernel and CLI use, and maps the
 * errors to form fields (by dotted path) with readable messages.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { IJsonSchema } from './schema-fields';

/** Field path (`budget.epochs`) -> message. Empty map = valid. */
export type SpecErrors = Map<string, string>;

function fieldPath(err: ErrorObject): string {
  const base = err.instancePath
    .split('/')
    .filter(p => p !== '')
    .filter(p => !/^\d+$/.test(p));
  if (err.keyword === 'required') {
    base.push(
      String((err.params as { missingProperty: string }).missingProperty)
    );
  } else if (err.keyword === 'additionalProperties') {
    base.push(
      String((err.params as { additionalProperty: string }).additionalProperty)
    );
  }
  return base.join('.');
}

function message(err: ErrorObject, value: unknown): string {
  switch (err.keyword) {
    case 'required':
      return 'is required';
    case 'pattern':
      return `${JSON.stringify(value)} does not match ${String((err.params as { pattern: string }).pattern)}`;
    case 'additionalProperties':
      return 'is not a field of the sweep spec';
    default:
      return `${err.message ?? 'is invalid'}${value === undefined ? '' : ` (got ${JSON.stringify(value)})`}`;
  }
}

function valueAt(spec: unknown, instancePath: string): unknown {
  let current: unknown = spec;
  for (const part of instancePath.split('/').filter(p => p !== '')) {
    if (typeof current !== 'object' || current === null) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** A validator compiled once per schema. */
export class SpecValidator {
  constructor(schema: IJsonSchema) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    this._validate = ajv.compile(schema);
  }

  /** Errors of `spec` per field; `oneOf`/type noise is dropped when a more specific error exists. */
  validate(spec: Record<string, unknown>): SpecErrors {
    const errors: SpecErrors = new Map();
    if (this._validate(spec)) {
      return errors;
    }
    const all = this._validate.errors ?? [];
    const specific = all.filter(
      e => !['oneOf', 'anyOf', 'type', 'enum', 'if'].includes(e.keyword)
    );
    for (const err of specific.length ? specific : all) {
      const path = fieldPath(err);
      if (!errors.has(path)) {
        errors.set(path, message(err, valueAt(spec, err.instancePath)));
      }
    }
    return errors;
  }

  private readonly _validate: ValidateFunction;
}
