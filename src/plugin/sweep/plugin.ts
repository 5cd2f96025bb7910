/**
 * Plugins `jupyterlab-deni:sweeps` (the sweep tracker service) and `jupyterlab-deni:sweep-widget`
 * (the panel in the right side bar, its command, palette and launcher entries; the notebook
 * toolbar button comes from schema/sweep-widget.json).
 */
import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { FileDialog } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { INotebookTracker } from '@jupyterlab/notebook';
import sweepSchema from '../../deni/sweep/sweep-spec.schema.json';
import { CommandIDs, PALETTE_CATEGORY } from '../constants';
import { deniIcon } from '../icons';
import { IDeniSettings, ISweepTracker } from '../tokens';
import { SweepPanel } from './panel';
import type { IJsonSchema } from './schema-fields';
import { SweepTracker } from './tracker';

/** Provides {@link ISweepTracker}. */
export const sweepTrackerPlugin: JupyterFrontEndPlugin<ISweepTracker> = {
  id: 'jupyterlab-deni:sweeps',
  description:
    'Launches %%deni sweep cells and mirrors their progress for views.',
  autoStart: true,
  requires: [INotebookTracker],
  provides: ISweepTracker,
  activate: (
    app: JupyterFrontEnd,
    notebooks: INotebookTracker
  ): ISweepTracker => new SweepTracker(app, notebooks)
};

/** The seed-sweep widget and `deni:open-sweep-widget`. */
export const sweepWidgetPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-deni:sweep-widget',
  description:
    'The seed-sweep widget: a form for a sweep, its cost estimate, Run and progress.',
  autoStart: true,
  requires: [ISweepTracker, INotebookTracker, IDeniSettings],
  optional: [ICommandPalette, ILauncher, IDocumentManager],
  activate: (
    app: JupyterFrontEnd,
    tracker: ISweepTracker,
    notebooks: INotebookTracker,
    settings: IDeniSettings,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    docManager: IDocumentManager | null
  ) => {
    // The data set's "Local file..." button: JupyterLab's file browser dialog, then the file's
    // start through the contents API (the header gives the column mapping).
    const pickFile = docManager
      ? async (): Promise<string | null> => {
          const result = await FileDialog.getOpenFiles({
            manager: docManager,
            title: 'Data file for the sweep (CSV, TSV, JSONL or Parquet)',
            filter: model =>
              model.type === 'directory' ||
              /\.(csv|tsv|jsonl|json|parquet)$/i.test(model.name)
                ? {}
                : null
          });
          const item = result.button.accept ? result.value?.[0] : undefined;
          return item && item.type !== 'directory' ? item.path : null;
        }
      : undefined;
    const readFile = async (path: string): Promise<string> => {
      const model = await app.serviceManager.contents.get(path, {
        type: 'file',
        format: 'text',
        content: true
      });
      return String(model.content ?? '').slice(0, 65536);
    };
    let panel: SweepPanel | null = null;
    app.commands.addCommand(CommandIDs.openSweepWidget, {
      label: 'Seed Sweep',
      caption:
        'Open the DENI seed-sweep widget: compare strategies over random seeds',
      icon: deniIcon,
      execute: () => {
        if (!panel || panel.isDisposed) {
          panel = new SweepPanel({
            tracker,
            notebooks,
            settings,
            commands: app.commands,
            schema: sweepSchema as unknown as IJsonSchema,
            pickFile,
            readFile
          });
          // The right side panel: the form sits beside whichever notebook is active.
          app.shell.add(panel, 'right', { rank: 600 });
        }
        app.shell.activateById(panel.id);
        return panel;
      }
    });
    palette?.addItem({
      command: CommandIDs.openSweepWidget,
      category: PALETTE_CATEGORY
    });
    launcher?.add({
      command: CommandIDs.openSweepWidget,
      category: PALETTE_CATEGORY,
      rank: 1
    });
  }
};
