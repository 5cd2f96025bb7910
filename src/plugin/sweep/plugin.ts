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
  optional: [ICommandPalette, ILauncher],
  activate: (
    app: JupyterFrontEnd,
    tracker: ISweepTracker,
    notebooks: INotebookTracker,
    settings: IDeniSettings,
    palette: ICommandPalette | null,
    launcher: ILauncher | null
  ) => {
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
            schema: sweepSchema as unknown as IJsonSchema
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
