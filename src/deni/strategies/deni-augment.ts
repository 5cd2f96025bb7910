import { defineStrategy } from './define';
import { DENI_PARAMS, deniShape } from './deni-schedule';
import { num, P, str } from './hyper-params';

/** PAPER.md: DENI + augmentation (k = 1 paraphrase per sample, 10 epochs, DENI's constants). */
export const deniAugmentStrategy = defineStrategy(
  'deni-augment',
  'DENI trained on the labelled samples plus k paraphrases each (k 1, 10 epochs)',
  [
    ...DENI_PARAMS,
    {
      name: 'k',
      type: 'integer',
      default: 1,
      min: 1,
      max: 10,
      description: 'paraphrases per sample'
    },
    P.paraphrases()
  ],
  {
    ...deniShape('deni-augment', { ni: true, de: true }),
    dataNeeds: p => ({
      augment: num(p, 'k'),
      allData: false,
      ...(str(p, 'paraphrases') ? { paraphrases: str(p, 'paraphrases') } : {})
    })
  }
);
