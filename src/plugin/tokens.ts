import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { BackendName, ISweepSpec } from '../deni/contract/types';
import type { IReportBundle } from '../deni/report/types';

/** The user's DENI settings (schema/settings.json), with defaults when no registry is available. */
export interface IDeniSettingsValues {
  /** Runs per configuration preset in the seed-sweep widget. */
  defaultRuns: number;
  /** Training back-end preset in the seed-sweep widget. */
  backend: BackendName;
  /** Result store (SQLite file) preset; empty = the kernel's default `.deni/results.sqlite`. */
  resultStore: string;
}

/** Read-only access to the DENI settings; `changed` fires after the user edits them. */
export interface IDeniSettings {
  readonly values: IDeniSettingsValues;
  readonly changed: ISignal<IDeniSettings, IDeniSettingsValues>;
}

/** Token of the settings service (plugin `jupyterlab-deni:settings`). */
export const IDeniSettings = new Token<IDeniSettings>(
  'jupyterlab-deni:IDeniSettings',
  'The DENI settings: default runs, back-end and result store of new sweeps.'
);

/** Life cycle of a sweep launched from the widget (or picked up from a notebook). */
export type SweepRunStatus =
  'queued' | 'running' | 'done' | 'interrupted' | 'error';

/** One sweep cell the tracker follows. */
export interface ISweepRun {
  /** Tracker-local id (stable while the page lives). */
  readonly id: string;
  /** Sweep name (`name` of the spec). */
  readonly name: string;
  /** Path of the notebook that holds the cell. */
  readonly notebookPath: string;
  /** Id of the `%%deni sweep` cell (nbformat cell id). */
  readonly cellId: string;
  readonly status: SweepRunStatus;
  /** Latest report bundle seen in the cell's outputs, if any. */
  readonly bundle: IReportBundle | null;
  /** Readable error (kernel error reply or bundle error). */
  readonly error: string | null;
}

/**
 * Runs sweeps as notebook cells and follows them: the notebook stays the record, the tracker
 * only mirrors the cell's outputs so views (the seed-sweep widget) can show progress.
 */
export interface ISweepTracker {
  /** Every sweep launched in this page, oldest first. */
  readonly runs: ReadonlyArray<ISweepRun>;
  /** Fires whenever a run is added or its status/progress changes. */
  readonly changed: ISignal<ISweepTracker, ISweepRun>;
  /**
   * Insert a `%%deni sweep` cell holding `spec` (as YAML) below the active cell of `panel`,
   * execute it and follow it. Resolves when the execution request is sent (not when it ends).
   */
  launch(panel: NotebookPanel, spec: ISweepSpec): Promise<ISweepRun>;
  /** Interrupt the kernel that runs `id` (the kernel stops after the runs in flight). */
  cancel(id: string): Promise<void>;
  /** Activate the notebook of `id` and scroll its sweep cell into view. */
  reveal(id: string): Promise<boolean>;
}

/** Token of the sweep tracker (plugin `jupyterlab-deni:sweeps`). */
export const ISweepTracker = new Token<ISweepTracker>(
  'jupyterlab-deni:ISweepTracker',
  'Launches %%deni sweep cells in notebooks and mirrors their progress.'
);
