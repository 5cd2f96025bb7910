import { defineStrategy } from './define';
import { num } from './hyper-params';

/** PAPER.md baseline 9: no label budget; the whole 80 % split (class-balanced cap 55,000). */
export const allDataStrategy = defineStrategy(
  'all-data',
  'no label budget: the whole training split (class-balanced cap 55,000)',
  [
    {
      name: 'cap',
      type: 'integer',
      default: 55000,
      min: 1,
      description: 'class-balanced cap on the training pool'
    }
  ],
  { dataNeeds: p => ({ augment: 0, allData: true, allDataCap: num(p, 'cap') }) }
);
