/**
 * The tuning methods of PAPER.md, declared once, in the paper's order. The `TuningMethodName`
 * union, the report's order, the CLI's and the magics' choices and the schema's `tuningName`
 * enum derive from this table; what each method does lives in src/deni/peft's definition of it
 * (keyed by these names, checked by the compiler).
 */
export const TUNING_METHOD_DEFINITIONS = [
  { name: 'full', title: 'full fine-tuning' },
  { name: 'lora', title: 'LoRA' },
  { name: 'ia3', title: 'IA3' },
  { name: 'unipelt', title: 'UniPELT' }
] as const;

/** A tuning method name. */
export type TuningMethodName =
  (typeof TUNING_METHOD_DEFINITIONS)[number]['name'];

/** Every tuning method name in PAPER.md's order. */
export const TUNING_METHOD_NAMES: readonly TuningMethodName[] =
  TUNING_METHOD_DEFINITIONS.map(d => d.name);

/** Whether a string names a tuning method. */
export function isTuningMethodName(name: string): name is TuningMethodName {
  return (TUNING_METHOD_NAMES as readonly string[]).includes(name);
}
