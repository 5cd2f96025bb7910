/** Helpers shared by the sweep tests (not part of the public API). */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseSweepSpec } from '../spec';
import type { ISweepSpec } from '../../contract/types';

/** Repository root (tests run from anywhere). */
export const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** Path of the deterministic test double run module. */
export const FAKE_RUNNER = path.join(
  REPO_ROOT,
  'src/deni/sweep/testing/fake-runner.ts'
);

/** A fresh temporary folder. */
export function tempDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `deni-${label}-`));
}

/**
 * A small sweep: 2 tunings x 2 strategies x `runs` runs on one data set. T = 8 is far below the
 * paper's 1,250, so DENI runs on its relative schedule (the paper's fits no NI cycle there).
 */
export function smallSpec(name: string, runs = 3, extra = ''): ISweepSpec {
  return parseSweepSpec(
    `name: ${name}\ndataset: sst2\nmodel: minilm-l6\ntuning: [full, lora]\nstrategies: [default, deni]\nruns: ${runs}\nseed: 11\nbudget: { samples: 32, epochs: 2, batchSize: 8 }\nschedule: relative\n${extra}`
  ).spec;
}
