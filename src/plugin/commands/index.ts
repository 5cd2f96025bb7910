/** DENI commands (new notebook, re-render report, export results). */
export { commandsPlugin, activeSweep } from './plugin';
