export { Rng, hashToUint32 } from './rng';
export {
  FACTORS,
  SWEEP_FIXED_FACTORS,
  deriveSeed,
  deriveSeeds,
  factorRngs,
  type FactorRngs
} from './seeds';
