/** Plugin `jupyterlab-deni:renderer`: registers the report renderer with the app's rendermime registry. */
import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { reportRendererFactory } from './widget';

/**
 * A plain plugin (not a mimeExtension) so it can live in the same array as the others; it runs
 * at start-up, before any notebook clones the registry, so every notebook gets the renderer.
 */
export const rendererPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-deni:renderer',
  description:
    'Renders DENI report bundles: plots, paper-style tables, live sweep progress.',
  autoStart: true,
  requires: [IRenderMimeRegistry],
  activate: (_app: JupyterFrontEnd, rendermime: IRenderMimeRegistry) => {
    rendermime.addFactory(
      reportRendererFactory,
      reportRendererFactory.defaultRank
    );
  }
};
