import {
  checkpointedGrads,
  forward,
  shouldCheckpoint,
  type IEncodedBatch,
  type IForwardOptions
} from '../model';
import type { IModelState } from '../peft';
import type { ITrainableModel } from '../train';

/**
 * The trainer's view of a tuning method's model state: logits through the encoder forward with
 * the state's weights (overlaid by per-pass overrides such as mixout's head) and adapter hooks.
 * Copies come from `IModelState.clone`, which duplicates only the trainable tensors.
 */
export function stateModel(state: IModelState): ITrainableModel {
  const hooksFor = (batch: IEncodedBatch, options: IForwardOptions) =>
    state.hooks({
      training: options.training,
      dropout: options.dropout,
      // UniPELT's gates average each sample's tokens, so they need the batch size.
      batchSize: batch.inputIds.shape[0]
    });
  return {
    trainable: state.trainable,
    numClasses: state.numClasses,
    headWeight: 'classifier.weight',
    noiseTargets: () => state.noiseTargets(),
    // No tf.tidy here: custom gradients of the encoder may capture intermediate tensors in
    // closures, which must live until the backward pass; callers scope the pass (variableGrads
    // while training, tidy while predicting).
    logits(batch, options, overrides) {
      let weights = state.weights();
      if (overrides && overrides.size > 0) {
        weights = new Map(weights);
        for (const [name, t] of overrides) {
          weights.set(name, t);
        }
      }
      const hooks = hooksFor(batch, options);
      return forward(state.config, weights, batch, { ...options, hooks })
        .logits;
    },
    checkpointedGrads(batch, options, loss) {
      const [b, s] = batch.inputIds.shape;
      let weightBytes = 0;
      for (const v of state.trainable.values()) {
        weightBytes += v.size * 4;
      }
      // Input noise draws in the embedding stage, which a recomputation would redraw.
      if (
        hooksFor(batch, options) ||
        options.inputEmbeddings ||
        options.pooledOutput ||
        !shouldCheckpoint(state.config, weightBytes, b * s, s)
      ) {
        return null;
      }
      return checkpointedGrads(
        state.config,
        state.weights(),
        new Set(state.trainable.keys()),
        batch,
        options,
        loss
      );
    },
    clone: () => stateModel(state.clone()),
    dispose: () => state.dispose()
  };
}
