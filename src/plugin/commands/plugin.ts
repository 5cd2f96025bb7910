/**
 * Plugin `jupyterlab-deni:commands`: a new notebook on the DENI kernel, re-rendering the report
 * of the active cell's sweep and exporting its results. Both write a cell and run it, so the
 * notebook keeps the record of what was shown.
 */
import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { INotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';
import { CommandIDs, DENI_KERNEL_NAME, PALETTE_CATEGORY } from '../constants';
import { deniIcon } from '../icons';
import { exportCommand, reportCommand } from '../kernel/deni-kernel';
import { insertCodeCell, runCodeCell } from '../notebook-cells';
import { sweepNameOfSource, sweepStoreOfSource } from '../sweep/spec-yaml';
import { latestBundle } from '../sweep/run-status';

/** The sweep of the active cell: from its `%%deni sweep` source, else from its report output. */
export function activeSweep(
  panel: NotebookPanel | null
): { name: string; store?: string } | null {
  const cell = panel?.content.activeCell;
  if (!cell) {
    return null;
  }
  const source = cell.model.sharedModel.getSource();
  const name = sweepNameOfSource(source);
  if (name) {
    return { name, store: sweepStoreOfSource(source) };
  }
  const outputs = (
    cell.model as { outputs?: Parameters<typeof latestBundle>[0] }
  ).outputs;
  const bundle = outputs ? latestBundle(outputs) : null;
  if (bundle) {
    return { name: bundle.sweep };
  }
  const report = /^\s*%deni\s+(?:report|export)\s+("[^"]+"|\S+)/.exec(source);
  return report ? { name: report[1].replace(/^"|"$/g, '') } : null;
}

/** The commands plugin. */
export const commandsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-deni:commands',
  description:
    'DENI commands: new DENI notebook, re-render a report, export results.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ICommandPalette, ILauncher],
  activate: (
    app: JupyterFrontEnd,
    notebooks: INotebookTracker,
    palette: ICommandPalette | null,
    launcher: ILauncher | null
  ) => {
    const { commands } = app;
    const sweepCommand =
      (kind: 'report' | 'export') => async (): Promise<void> => {
        const panel = notebooks.currentWidget;
        const sweep = activeSweep(panel);
        if (!panel || !sweep) {
          Notification.warning(
            `Select a %%deni sweep cell (or its report output) in a notebook first, then run "${kind === 'report' ? 'Re-render Report' : 'Export Results'}" again.`,
            { autoClose: 6000 }
          );
          return;
        }
        const code =
          kind === 'report'
            ? reportCommand(sweep.name, sweep.store)
            : exportCommand(sweep.name, sweep.store);
        const cell = insertCodeCell(panel, code);
        await runCodeCell(panel, cell);
      };
    const hasNotebook = (): boolean => notebooks.currentWidget !== null;

    commands.addCommand(CommandIDs.newNotebook, {
      label: args => (args.isLauncher ? 'DENI Notebook' : 'New DENI Notebook'),
      caption: 'Create a notebook on the DENI kernel',
      icon: deniIcon,
      execute: args =>
        commands.execute('notebook:create-new', {
          kernelName: DENI_KERNEL_NAME,
          ...(typeof args.cwd === 'string' ? { cwd: args.cwd } : {})
        })
    });
    commands.addCommand(CommandIDs.rerenderReport, {
      label: 'Re-render Report of the Active Sweep',
      caption:
        "Insert and run `%deni report <sweep>` for the active cell's sweep",
      isEnabled: hasNotebook,
      execute: sweepCommand('report')
    });
    commands.addCommand(CommandIDs.exportResults, {
      label: 'Export Results of the Active Sweep',
      caption:
        "Insert and run `%deni export <sweep>` for the active cell's sweep (CSV, one row per run)",
      isEnabled: hasNotebook,
      execute: sweepCommand('export')
    });
    for (const command of [
      CommandIDs.newNotebook,
      CommandIDs.rerenderReport,
      CommandIDs.exportResults
    ]) {
      palette?.addItem({ command, category: PALETTE_CATEGORY });
    }
    launcher?.add({
      command: CommandIDs.newNotebook,
      category: PALETTE_CATEGORY,
      rank: 0,
      args: { isLauncher: true }
    });
    notebooks.activeCellChanged.connect(() => {
      commands.notifyCommandChanged(CommandIDs.rerenderReport);
      commands.notifyCommandChanged(CommandIDs.exportResults);
    });
  }
};
