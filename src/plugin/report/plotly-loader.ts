/**
 * plotly.js is ~4 MB: it is loaded once, lazily (a separate webpack chunk), the first time a report
 * with figures is shown, never at JupyterLab start-up.
 */

/** The plotly functions the renderer calls (a subset of plotly.js). */
export interface IPlotlyApi {
  newPlot(
    root: HTMLElement,
    data: unknown[],
    layout?: Record<string, unknown>,
    config?: Record<string, unknown>
  ): Promise<unknown>;
  purge(root: HTMLElement): void;
  Plots: { resize(root: HTMLElement): Promise<void> | void };
}

/** Loads plotly; injectable so DOM tests can observe what would be drawn. */
export type PlotlyLoader = () => Promise<IPlotlyApi>;

let cached: Promise<IPlotlyApi> | null = null;

/** Import plotly.js-dist-min on first use; later calls share the same promise. */
export const loadPlotly: PlotlyLoader = () => {
  if (!cached) {
    cached = import('plotly.js-dist-min').then(
      mod =>
        (mod as unknown as { default?: IPlotlyApi }).default ??
        (mod as unknown as IPlotlyApi)
    );
    cached.catch(() => {
      cached = null;
    });
  }
  return cached;
};
