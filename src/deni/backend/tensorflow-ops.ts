import * as tf from '@tensorflow/tfjs-core';

/*
 * TensorFlow ops the engine calls by name on the native back-end, beyond tfjs's kernel set.
 * tfjs-node's back-end object runs any op of the linked TensorFlow (`executeSingleOutput`,
 * `executeMultipleOutputs`, with attributes typed by its binding's TF_ATTR_* codes), including
 * ops on resource handles (returned to JS as opaque string tensors). Used for Adam: TensorFlow's
 * ResourceApplyAdam updates a variable and its two moments in one pass, where tfjs ops take
 * about ten passes per tensor (each its own kernel launch and memory sweep).
 */

interface IAttr {
  name: string;
  type: number;
  value: unknown;
}

interface INodeBackendLike {
  binding: {
    TF_ATTR_TYPE: number;
    TF_ATTR_SHAPE: number;
    TF_ATTR_STRING: number;
    TF_ATTR_BOOL: number;
    TF_FLOAT: number;
  };
  executeSingleOutput(
    name: string,
    attrs: IAttr[],
    inputs: tf.Tensor[]
  ): tf.Tensor;
  executeMultipleOutputs(
    name: string,
    attrs: IAttr[],
    inputs: tf.Tensor[],
    outputs: number
  ): tf.Tensor[];
}

function nodeBackend(): INodeBackendLike {
  if (tf.getBackend() !== 'tensorflow') {
    throw new Error(
      `TensorFlow ops need the 'tensorflow' back-end (current: ${tf.getBackend()})`
    );
  }
  return tf.backend() as unknown as INodeBackendLike;
}

/** Whether the native TensorFlow back-end (tfjs-node) is the current one. */
export function onTensorflow(): boolean {
  return tf.getBackend() === 'tensorflow';
}

let nextVariable = 0;

/**
 * A TensorFlow resource variable holding a float32 tensor (VarHandleOp with a name unique in this
 * process: handles with the same name would share one variable). Free with `destroy`.
 */
export class TensorflowVariable {
  readonly handle: tf.Tensor;

  constructor(shape: number[]) {
    const be = nodeBackend();
    const b = be.binding;
    this.handle = be.executeSingleOutput(
      'VarHandleOp',
      [
        { name: 'dtype', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
        { name: 'shape', type: b.TF_ATTR_SHAPE, value: shape },
        { name: 'container', type: b.TF_ATTR_STRING, value: '' },
        {
          name: 'shared_name',
          type: b.TF_ATTR_STRING,
          value: `deni_variable_${process.pid}_${nextVariable++}`
        }
      ],
      []
    );
    tf.keep(this.handle);
  }

  /** Sets the value (TensorFlow keeps its own reference to `value`'s buffer). */
  assign(value: tf.Tensor): void {
    const be = nodeBackend();
    be.executeMultipleOutputs(
      'AssignVariableOp',
      [
        {
          name: 'dtype',
          type: be.binding.TF_ATTR_TYPE,
          value: be.binding.TF_FLOAT
        }
      ],
      [this.handle, value],
      0
    );
  }

  /** The current value as a new tensor (sharing the buffer until the variable is next written). */
  read(): tf.Tensor {
    const be = nodeBackend();
    return be.executeSingleOutput(
      'ReadVariableOp',
      [
        {
          name: 'dtype',
          type: be.binding.TF_ATTR_TYPE,
          value: be.binding.TF_FLOAT
        }
      ],
      [this.handle]
    );
  }

  /** Frees the variable in TensorFlow and its handle. */
  destroy(): void {
    if (tf.getBackend() === 'tensorflow' && !this.handle.isDisposed) {
      const be = nodeBackend();
      be.executeMultipleOutputs(
        'DestroyResourceOp',
        [
          {
            name: 'ignore_lookup_error',
            type: be.binding.TF_ATTR_BOOL,
            value: true
          }
        ],
        [this.handle],
        0
      );
    }
    this.handle.dispose();
  }
}

/** The step's scalars of ResourceApplyAdam (shared by every tensor of one optimiser step). */
export interface IAdamScalars {
  beta1Power: tf.Scalar;
  beta2Power: tf.Scalar;
  lr: tf.Scalar;
  beta1: tf.Scalar;
  beta2: tf.Scalar;
  epsilon: tf.Scalar;
}

/**
 * TensorFlow's Adam in place on variable p with moments m, v and gradient g:
 * m += (g - m)(1 - beta1); v += (g^2 - v)(1 - beta2);
 * p -= lr sqrt(1 - beta2^t) / (1 - beta1^t) m / (sqrt(v) + epsilon).
 * With epsilon = eps sqrt(1 - beta2^t) this is PyTorch's update, in a different rounding.
 */
export function resourceApplyAdam(
  p: TensorflowVariable,
  m: TensorflowVariable,
  v: TensorflowVariable,
  s: IAdamScalars,
  g: tf.Tensor
): void {
  const be = nodeBackend();
  const b = be.binding;
  be.executeMultipleOutputs(
    'ResourceApplyAdam',
    [
      { name: 'T', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
      { name: 'use_locking', type: b.TF_ATTR_BOOL, value: false },
      { name: 'use_nesterov', type: b.TF_ATTR_BOOL, value: false }
    ],
    [
      p.handle,
      m.handle,
      v.handle,
      s.beta1Power,
      s.beta2Power,
      s.lr,
      s.beta1,
      s.beta2,
      s.epsilon,
      g
    ],
    0
  );
}

/**
 * a @ b for 2-D float32 tensors with TensorFlow's MatMul and its transpose flags (tfjs-node sends
 * every matMul to BatchMatMulV2 through rank-3 reshapes; the 2-D op measured ~3 % less CPU time
 * on the training step's shapes). No tfjs gradient: for ops that define their own.
 */
export function tensorflowMatMul(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  transposeA: boolean,
  transposeB: boolean
): tf.Tensor2D {
  const be = nodeBackend();
  const bb = be.binding;
  return be.executeSingleOutput(
    'MatMul',
    [
      { name: 'T', type: bb.TF_ATTR_TYPE, value: bb.TF_FLOAT },
      { name: 'transpose_a', type: bb.TF_ATTR_BOOL, value: transposeA },
      { name: 'transpose_b', type: bb.TF_ATTR_BOOL, value: transposeB }
    ],
    [a, b]
  ) as tf.Tensor2D;
}
