import type * as tf from '@tensorflow/tfjs-core';
import { forward } from '../model';
import type {
  IEncodedBatch,
  IForwardOptions,
  IForwardOutput
} from '../model/types';
import type { IModelState } from './types';

/**
 * One encoder + head forward pass of a model state: the encoder reads `state.weights(params)`
 * and the method's hooks (with the forward's training flag, dropout and batch size). `params`
 * replaces the state's own trainable tensors (a trainer's copies); omit it to use the state's.
 * No tidy here: callers own the outputs and gradients can flow to `params`.
 */
export function runModel(
  state: IModelState,
  batch: IEncodedBatch,
  options: Omit<IForwardOptions, 'hooks'>,
  params?: ReadonlyMap<string, tf.Tensor>
): IForwardOutput {
  const hooks = state.hooks(
    {
      training: options.training,
      dropout: options.dropout,
      batchSize: batch.inputIds.shape[0]
    },
    params
  );
  return forward(state.config, state.weights(params), batch, {
    ...options,
    hooks
  });
}
