// The part of plotly.js-dist-min (which ships no types) that the report renderer uses.
declare module 'plotly.js-dist-min' {
  const Plotly: {
    newPlot(
      root: HTMLElement,
      data: unknown[],
      layout?: Record<string, unknown>,
      config?: Record<string, unknown>
    ): Promise<HTMLElement>;
    purge(root: HTMLElement): void;
    Plots: { resize(root: HTMLElement): Promise<void> | void };
  };
  export default Plotly;
}
