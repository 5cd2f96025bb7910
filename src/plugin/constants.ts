/** Command ids of the extension (palette category {@link PALETTE_CATEGORY}). */
export namespace CommandIDs {
  /** Create a notebook on the `deni` kernel. */
  export const newNotebook = 'deni:new-notebook';
  /** Open (or reveal) the seed-sweep widget. */
  export const openSweepWidget = 'deni:open-sweep-widget';
  /** Insert and run `%deni report <sweep>` for the active cell's sweep. */
  export const rerenderReport = 'deni:rerender-report';
  /** Insert and run `%deni export` (for the active cell's sweep when it has one). */
  export const exportResults = 'deni:export-results';
}

/** Command palette and launcher category. */
export const PALETTE_CATEGORY = 'DENI';

/** Name of the DENI kernelspec (installed by the kernel bridge). */
export const DENI_KERNEL_NAME = 'deni';

/** Plugin id prefix; every plugin id is `jupyterlab-deni:<role>`. */
export const PLUGIN_PREFIX = 'jupyterlab-deni';
