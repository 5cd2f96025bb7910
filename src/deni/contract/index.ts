/**
 * The shared contract of the engine (DESIGN.md `src/deni/contract`): the data shapes every module
 * speaks (SweepSpec, RunSpec, RunResult, plans, failures) and one `as const` table per extension
 * axis (strategies, tuning methods, back-ends) from which names, orders and choices derive.
 * Imports nothing of ours and nothing of Node or tfjs: the JupyterLab plugin imports it too.
 */
export * from './types';
export * from './strategies';
export * from './tuning-methods';
export * from './backends';
export * from './datasets';
export * from './labels';
export * from './strategy-plan';
