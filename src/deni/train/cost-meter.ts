import * as tf from '@tensorflow/tfjs-core';
import type { ICost } from '../contract/types';

/**
 * Counts what a run costs (PAPER.md: every strategy accounts for these): optimiser model-steps,
 * test forward passes, wall time, and the peaks of tfjs tensor bytes and process RSS, sampled
 * after every optimiser step and evaluation batch.
 */
export class CostMeter {
  modelSteps = 0;
  testForwardPasses = 0;
  peakTensorBytes = 0;
  peakRssBytes = 0;
  private readonly started = process.hrtime.bigint();

  constructor() {
    this.sample();
  }

  /** Records `n` optimiser steps (one per model updated). */
  addSteps(n = 1): void {
    this.modelSteps += n;
  }

  /** Records forward passes over `n` test samples. */
  addTestPasses(n: number): void {
    this.testForwardPasses += n;
  }

  /** Updates the memory peaks. */
  sample(): void {
    const bytes = tf.memory().numBytes;
    if (bytes > this.peakTensorBytes) {
      this.peakTensorBytes = bytes;
    }
    const rss = process.memoryUsage.rss();
    if (rss > this.peakRssBytes) {
      this.peakRssBytes = rss;
    }
  }

  /** Seconds since the meter was created. */
  get wallSeconds(): number {
    return Number(process.hrtime.bigint() - this.started) / 1e9;
  }

  /** The cost so far. */
  snapshot(): ICost {
    this.sample();
    return {
      modelSteps: this.modelSteps,
      testForwardPasses: this.testForwardPasses,
      wallSeconds: this.wallSeconds,
      peakTensorBytes: this.peakTensorBytes,
      peakRssBytes: this.peakRssBytes
    };
  }
}
