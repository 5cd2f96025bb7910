/**
 * The JupyterLab extension `jupyterlab-deni`: wires its small plugins (ids `jupyterlab-deni:<role>`).
 * Each plugin lives in the folder of its role; services are exported behind tokens.
 */
import type { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { commandsPlugin } from './commands';
import { rendererPlugin } from './report/plugin';
import { settingsPlugin } from './settings';
import { sweepTrackerPlugin, sweepWidgetPlugin } from './sweep';

export { IDeniSettings, ISweepTracker } from './tokens';
export type { IDeniSettingsValues, ISweepRun, SweepRunStatus } from './tokens';
export { CommandIDs, PALETTE_CATEGORY, DENI_KERNEL_NAME } from './constants';

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  settingsPlugin,
  rendererPlugin,
  sweepTrackerPlugin,
  sweepWidgetPlugin,
  commandsPlugin
];

export default plugins;
