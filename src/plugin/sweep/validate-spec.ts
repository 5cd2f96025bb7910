/**
 * Validates the form's spec with the engine's own sweep-spec validation (src/deni/sweep/spec.ts:
 * the same JSON Schema, wording and cross-checks as the kernel and the CLI; browser-safe), and
 * maps the errors to form fields by dotted path.
 */
import { validateSweepSpec, type ISpecError } from '../../deni/sweep/spec';
import type { IJsonSchema } from './schema-fields';

/** Field path (`budget.epochs`) -> message. Empty map = valid. */
export type SpecErrors = Map<string, string>;

/** The form field of an error: its pointer without list indices (`/strategies/1/name` -> `strategies.name`). */
function fieldPath(err: ISpecError): string {
  return err.pointer
    .split('/')
    .filter(p => p !== '' && !/^\d+$/.test(p))
    .join('.');
}

/** A validator of the sweep form's value. */
export class SpecValidator {
  /**
   * @param schema - the sweep schema the form was built from; validation uses the engine's copy
   * of the same file (src/deni/sweep/sweep-spec.schema.json), with its cross-field checks.
   */
  constructor(readonly schema: IJsonSchema) {}

  /** Errors of `spec` per field (the first one of each field), in the engine's words. */
  validate(spec: Record<string, unknown>): SpecErrors {
    const errors: SpecErrors = new Map();
    for (const err of validateSweepSpec(spec)) {
      const path = fieldPath(err);
      if (!errors.has(path)) {
        errors.set(
          path,
          err.problem !== undefined
            ? `${err.problem}; allowed: ${err.allowed}`
            : err.message
        );
      }
    }
    return errors;
  }
}
