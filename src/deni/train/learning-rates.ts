import type { Architecture } from '../model/types';
import { paperLearningRate } from '../peft/definitions';
import {
  isTuningMethodName,
  TUNING_METHOD_NAMES,
  type TuningMethodName
} from '../contract/tuning-methods';

/**
 * PAPER.md learning rates (full FT 1e-5; LoRA 1e-4, RoBERTa 1e-5; IA3 7.5e-3; UniPELT 1e-4,
 * RoBERTa 2.5e-4, ALBERT 6e-5). The table lives with the tuning methods (src/deni/peft); this
 * checks the name for callers that get it from untyped input.
 */
export function defaultLearningRate(
  tuning: TuningMethodName,
  architecture: Architecture
): number {
  if (!isTuningMethodName(tuning)) {
    throw new RangeError(
      `unknown tuning method '${String(tuning)}' (valid: ${TUNING_METHOD_NAMES.join(', ')})`
    );
  }
  return paperLearningRate(tuning, architecture);
}
