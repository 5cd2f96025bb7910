import type { Architecture } from '../model/types';
import type { TuningMethodName } from '../sweep/types';

/**
 * PAPER.md learning rates: full FT 1e-5; LoRA 1e-4 (RoBERTa 1e-5); IA3 7.5e-3;
 * UniPELT 1e-4 (RoBERTa 2.5e-4, ALBERT 6e-5).
 */
export function defaultLearningRate(
  tuning: TuningMethodName,
  architecture: Architecture
): number {
  switch (tuning) {
    case 'full':
      return 1e-5;
    case 'lora':
      return architecture === 'roberta' ? 1e-5 : 1e-4;
    case 'ia3':
      return 7.5e-3;
    case 'unipelt':
      return architecture === 'roberta'
        ? 2.5e-4
        : architecture === 'albert'
          ? 6e-5
          : 1e-4;
    default:
      throw new RangeError(
        `unknown tuning method '${String(tuning)}' (valid: full, lora, ia3, unipelt)`
      );
  }
}
