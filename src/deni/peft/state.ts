import * as tf from '@tensorflow/tfjs-core';
import type { IAdapterHooks, IEncoderConfig, WeightMap } from '../model/types';
import type { TuningMethodName } from '../contract/types';
import type { IMethodPlan, TensorGetter } from './method-plan';
import type { IHookOptions, IModelState } from './types';

/**
 * A model state: shared frozen backbone + owned trainable variables (see IModelState).
 *
 * Copies use `tf.variable(t)`, which in tfjs shares the source's data buffer until the variable
 * is assigned (every optimiser step, noise addition or average assigns), so a fresh clone costs
 * no tensor memory until it diverges, and then exactly its trainable bytes. The frozen map is
 * shared by reference; the same tensor objects sit in every copy.
 */
export class ModelState implements IModelState {
  private cachedWeights: WeightMap | null = null;
  private disposed = false;

  constructor(
    readonly method: TuningMethodName,
    readonly config: IEncoderConfig,
    readonly numClasses: number,
    readonly frozen: WeightMap,
    readonly trainable: Map<string, tf.Variable>,
    private readonly plan: IMethodPlan,
    private readonly noise: readonly string[]
  ) {}

  weights(params?: ReadonlyMap<string, tf.Tensor>): WeightMap {
    this.checkAlive();
    if (params) {
      this.checkParams(params);
      const m: WeightMap = new Map(this.frozen);
      for (const [k, v] of params) {
        m.set(k, v);
      }
      return m;
    }
    if (!this.cachedWeights) {
      const m: WeightMap = new Map(this.frozen);
      for (const [k, v] of this.trainable) {
        m.set(k, v);
      }
      this.cachedWeights = m;
    }
    return this.cachedWeights;
  }

  weight(name: string): tf.Tensor {
    const t = this.trainable.get(name) ?? this.frozen.get(name);
    if (!t) {
      throw new Error(
        `${this.method} model state has no tensor ${name} ` +
          `(${this.trainable.size} trainable, ${this.frozen.size} frozen tensors)`
      );
    }
    return t;
  }

  hooks(
    opts: IHookOptions,
    params?: ReadonlyMap<string, tf.Tensor>
  ): IAdapterHooks | undefined {
    this.checkAlive();
    const source: ReadonlyMap<string, tf.Tensor> = params ?? this.trainable;
    if (params) {
      this.checkParams(params);
    }
    const get: TensorGetter = name => {
      const t = source.get(name) ?? this.frozen.get(name);
      if (!t) {
        throw new Error(
          `${this.method} adapter tensor ${name} is missing from the parameters`
        );
      }
      return t;
    };
    return this.plan.hooks(get, opts);
  }

  clone(): IModelState {
    this.checkAlive();
    const copies = new Map<string, tf.Variable>();
    for (const [k, v] of this.trainable) {
      copies.set(k, tf.variable(v, true));
    }
    return new ModelState(
      this.method,
      this.config,
      this.numClasses,
      this.frozen,
      copies,
      this.plan,
      this.noise
    );
  }

  assignFrom(other: IModelState): void {
    this.checkAlive();
    if (other.trainable.size !== this.trainable.size) {
      throw new Error(
        `assignFrom: ${other.method} state has ${other.trainable.size} trainable tensors, ` +
          `this ${this.method} state has ${this.trainable.size}`
      );
    }
    for (const [k, v] of this.trainable) {
      const src = other.trainable.get(k);
      if (!src || src.shape.join() !== v.shape.join()) {
        throw new Error(
          `assignFrom: trainable tensor ${k} [${v.shape.join(', ')}] has no match in the source ` +
            `(${src ? `[${src.shape.join(', ')}]` : 'missing'})`
        );
      }
      v.assign(src);
    }
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    for (const v of this.trainable.values()) {
      v.dispose();
    }
    this.cachedWeights = null;
  }

  trainableBytes(): number {
    let bytes = 0;
    for (const v of this.trainable.values()) {
      bytes += v.size * 4;
    }
    return bytes;
  }

  trainableParams(): number {
    let n = 0;
    for (const v of this.trainable.values()) {
      n += v.size;
    }
    return n;
  }

  noiseTargets(): string[] {
    return [...this.noise];
  }

  private checkAlive(): void {
    if (this.disposed) {
      throw new Error(`${this.method} model state was disposed`);
    }
  }

  private checkParams(params: ReadonlyMap<string, tf.Tensor>): void {
    for (const k of this.trainable.keys()) {
      if (!params.has(k)) {
        throw new Error(
          `parameters for the ${this.method} model lack trainable tensor ${k}`
        );
      }
    }
  }
}
