import type { IEncoderConfig, WeightMap } from '../model/types';

/** Checks a head map from any initialiser: classifier tensors present with the right shapes. */
export function checkHead(
  head: WeightMap,
  config: IEncoderConfig,
  numClasses: number
): void {
  const w = head.get('classifier.weight');
  const b = head.get('classifier.bias');
  const expect = `[${numClasses}, ${config.hiddenSize}]`;
  if (!w || w.shape.join() !== [numClasses, config.hiddenSize].join()) {
    throw new Error(
      `head init must give classifier.weight of shape ${expect}, got ${w ? `[${w.shape.join(', ')}]` : 'none'}`
    );
  }
  if (!b || b.shape.join() !== String(numClasses)) {
    throw new Error(
      `head init must give classifier.bias of shape [${numClasses}], got ${b ? `[${b.shape.join(', ')}]` : 'none'}`
    );
  }
}
