/**
 * The sweep tracker (model behind {@link ISweepTracker}): launches `%%deni sweep` cells and
 * mirrors their outputs. State lives in the notebook; this only follows the cell's output model,
 * so progress shown in the widget is exactly what the notebook records.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { CodeCell } from '@jupyterlab/cells';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { KernelMessage } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';
import type { IReportBundle } from '../../deni/report/types';
import type { ISweepSpec } from '../../deni/contract/types';
import { interruptSession } from '../kernel/deni-kernel';
import { cellIndexById, insertCodeCell, runCodeCell } from '../notebook-cells';
import type { ISweepRun, ISweepTracker, SweepRunStatus } from '../tokens';
import { finalStatus, latestBundle } from './run-status';
import { sweepCellSource } from './spec-yaml';

class SweepRun implements ISweepRun {
  constructor(
    readonly id: string,
    readonly name: string,
    readonly notebookPath: string,
    readonly cellId: string
  ) {}
  status: SweepRunStatus = 'queued';
  bundle: IReportBundle | null = null;
  error: string | null = null;
}

/** Implementation of {@link ISweepTracker}. */
export class SweepTracker implements ISweepTracker {
  constructor(
    private readonly _app: JupyterFrontEnd,
    private readonly _notebooks: INotebookTracker
  ) {}

  get runs(): ReadonlyArray<ISweepRun> {
    return this._runs;
  }

  get changed(): Signal<ISweepTracker, ISweepRun> {
    return this._changed;
  }

  async launch(panel: NotebookPanel, spec: ISweepSpec): Promise<ISweepRun> {
    await panel.context.ready;
    const cell = insertCodeCell(
      panel,
      sweepCellSource(spec as unknown as Record<string, unknown>)
    );
    const run = new SweepRun(
      `sweep-${++this._count}`,
      spec.name,
      panel.context.path,
      cell.model.id
    );
    this._runs.push(run);
    this._panels.set(run.id, panel);
    const follow = (): void => {
      const bundle = latestBundle(cell.model.outputs);
      if (bundle && bundle !== run.bundle) {
        run.bundle = bundle;
        if (run.status === 'queued' || run.status === 'running') {
          run.status = bundle.status === 'running' ? 'running' : run.status;
        }
        this._changed.emit(run);
      }
    };
    cell.model.outputs.changed.connect(follow);
    // `stateChanged` covers update_display_data, which replaces an output's data in place.
    cell.model.outputs.stateChanged.connect(follow);
    run.status = 'running';
    this._changed.emit(run);
    void this._execute(panel, cell, run, follow);
    return run;
  }

  async cancel(id: string): Promise<void> {
    const panel = this._panels.get(id);
    const run = this._runs.find(r => r.id === id);
    if (!panel || !run) {
      throw new Error(
        `No sweep with id "${id}" in this page; known: ${this._runs.map(r => r.id).join(', ') || 'none'}.`
      );
    }
    if (run.status !== 'running' && run.status !== 'queued') {
      return;
    }
    await interruptSession(panel.sessionContext);
  }

  async reveal(id: string): Promise<boolean> {
    const run = this._runs.find(r => r.id === id);
    if (!run) {
      return false;
    }
    let panel = this._panels.get(id);
    if (!panel || panel.isDisposed) {
      panel = this._notebooks.find(p => p.context.path === run.notebookPath);
    }
    if (!panel) {
      panel = (await this._app.commands.execute('docmanager:open', {
        path: run.notebookPath
      })) as NotebookPanel;
      await panel.context.ready;
    }
    this._app.shell.activateById(panel.id);
    const index = cellIndexById(panel, run.cellId);
    if (index < 0) {
      return false;
    }
    panel.content.activeCellIndex = index;
    const cell = panel.content.widgets[index];
    await panel.content.scrollToCell(cell, 'start');
    return true;
  }

  private async _execute(
    panel: NotebookPanel,
    cell: CodeCell,
    run: SweepRun,
    follow: () => void
  ): Promise<void> {
    let reply: KernelMessage.IExecuteReplyMsg | void;
    try {
      reply = await runCodeCell(panel, cell);
    } catch (err) {
      run.status = 'error';
      run.error = err instanceof Error ? err.message : String(err);
      this._changed.emit(run);
      return;
    } finally {
      follow();
      cell.model.outputs.changed.disconnect(follow);
      cell.model.outputs.stateChanged.disconnect(follow);
    }
    const final = finalStatus(run.bundle, reply);
    run.status = final.status;
    run.error = final.error;
    this._changed.emit(run);
    // The notebook is the record: keep the finished outputs on disk.
    if (!panel.isDisposed && panel.context.model.dirty) {
      await panel.context
        .save()
        .catch(reason =>
          console.warn('jupyterlab-deni: could not save the notebook', reason)
        );
    }
  }

  private readonly _runs: SweepRun[] = [];
  private readonly _panels = new Map<string, NotebookPanel>();
  private readonly _changed = new Signal<ISweepTracker, ISweepRun>(this);
  private _count = 0;
}
