import * as tf from '@tensorflow/tfjs-core';
import type { IOptimizerConfig } from './types';

/** PAPER.md: Adam (0.9, 0.999, 1e-8), no weight decay. */
export const ADAM_DEFAULTS: IOptimizerConfig = {
  kind: 'adam',
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0
};

/** Best-practices baseline: AdamW with PyTorch's default decoupled weight decay 0.01. */
export const ADAMW_DEFAULTS: IOptimizerConfig = {
  kind: 'adamw',
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0.01
};

/**
 * Adam / AdamW with explicit state (first and second moments per tensor name and a step count),
 * written over tf ops with PyTorch's update formula so that a copy of a model can get a fresh
 * optimiser while the main model keeps its own.
 */
export class AdamOptimizer {
  private readonly m = new Map<string, tf.Tensor>();
  private readonly v = new Map<string, tf.Tensor>();
  private t = 0;

  constructor(readonly config: IOptimizerConfig = ADAM_DEFAULTS) {
    const { beta1, beta2, eps, weightDecay } = config;
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new RangeError(
        `Adam betas must be in [0, 1), got ${beta1}, ${beta2}`
      );
    }
    if (!(eps > 0) || !(weightDecay >= 0)) {
      throw new RangeError(
        `Adam eps must be > 0 and weight decay >= 0, got eps ${eps}, weight decay ${weightDecay}`
      );
    }
  }

  /** Optimiser steps taken so far. */
  get steps(): number {
    return this.t;
  }

  /** One update of the variables in place; the gradients are not disposed here. */
  step(
    params: ReadonlyMap<string, tf.Variable>,
    grads: ReadonlyMap<string, tf.Tensor>,
    lr: number
  ): void {
    this.t += 1;
    const { beta1, beta2, eps, weightDecay, kind } = this.config;
    const bc1 = 1 - beta1 ** this.t;
    const bc2Sqrt = Math.sqrt(1 - beta2 ** this.t);
    for (const [name, p] of params) {
      const g0 = grads.get(name);
      if (!g0) {
        throw new Error(`no gradient for trainable tensor '${name}'`);
      }
      const [next, m1, v1] = tf.tidy(() => {
        let g = g0;
        let base = p;
        if (weightDecay > 0 && kind === 'adam') {
          g = tf.add(g, tf.mul(p, weightDecay));
        }
        if (weightDecay > 0 && kind === 'adamw') {
          base = tf.mul(p, 1 - lr * weightDecay);
        }
        const mPrev = this.m.get(name);
        const vPrev = this.v.get(name);
        const m1 = mPrev
          ? tf.add(tf.mul(mPrev, beta1), tf.mul(g, 1 - beta1))
          : tf.mul(g, 1 - beta1);
        const v1 = vPrev
          ? tf.add(tf.mul(vPrev, beta2), tf.mul(tf.square(g), 1 - beta2))
          : tf.mul(tf.square(g), 1 - beta2);
        const denom = tf.add(tf.div(tf.sqrt(v1), bc2Sqrt), eps);
        const next = tf.sub(base, tf.mul(tf.div(m1, denom), lr / bc1));
        return [next, m1, v1];
      });
      this.m.get(name)?.dispose();
      this.v.get(name)?.dispose();
      this.m.set(name, m1);
      this.v.set(name, v1);
      p.assign(next);
      next.dispose();
    }
  }

  /** Frees the moment tensors. */
  dispose(): void {
    for (const x of this.m.values()) {
      x.dispose();
    }
    for (const x of this.v.values()) {
      x.dispose();
    }
    this.m.clear();
    this.v.clear();
  }
}
