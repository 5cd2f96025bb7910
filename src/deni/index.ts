/**
 * The DENI engine as a library (`import { runSweep } from 'jupyterlab-deni/deni'`), usable without
 * Jupyter. Every module's public API is re-exported flat, and each module also as a namespace
 * (`deni.data.loadDataset`, `deni.report.buildReport`) where flat names would collide.
 */
export * from './random';
export * from './sweep';
export * from './backend';
export * from './data';
export * from './text';
export * from './model';
export * from './peft';
export * from './train';
export * from './strategies';
export * from './run';
export * from './report';
export * from './planning';

// Names several modules re-export from src/deni/contract: taken once, through the sweep module.
export type { BackendName, TuningMethodName } from './sweep';
export { datasetLabel, strategyLabel } from './sweep';

export * as contract from './contract';
export * as random from './random';
export * as sweep from './sweep';
export * as backend from './backend';
export * as data from './data';
export * as text from './text';
export * as model from './model';
export * as peft from './peft';
export * as train from './train';
export * as strategies from './strategies';
export * as run from './run';
export * as report from './report';
export * as hub from './hub';
export * as doctor from './doctor';
export * as planning from './planning';
