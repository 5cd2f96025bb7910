import { defineStrategy } from './define';
import { num, P, str } from './hyper-params';

/** PAPER.md baseline 8: k paraphrases per labelled sample (k = 1 or 2), 12 epochs (1.2 x 10). */
export const augmentStrategy = defineStrategy(
  'augment',
  'k paraphrases per labelled sample (k 1 or 2), 12 epochs',
  [
    {
      name: 'k',
      type: 'integer',
      default: 1,
      min: 1,
      max: 10,
      description: 'paraphrases per sample'
    },
    P.paraphrases(),
    {
      name: 'epochFactor',
      type: 'number',
      default: 1.2,
      greaterThan: 0,
      description: 'epochs = round(factor x budget epochs) (PAPER.md: 12 of 10)'
    }
  ],
  {
    epochs: (p, e) => Math.max(1, Math.round(num(p, 'epochFactor') * e)),
    dataNeeds: p => ({
      augment: num(p, 'k'),
      allData: false,
      ...(str(p, 'paraphrases') ? { paraphrases: str(p, 'paraphrases') } : {})
    })
  }
);
