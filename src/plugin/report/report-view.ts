/**
 * Renders one report bundle into a host element: header, progress, error, tables, figures and
 * statistics. Framework-free (plain DOM) so it is unit-tested in jsdom; the JupyterLab renderer
 * wraps it. A live sweep re-renders on every bundle update: table sorts are kept by index.
 */
import type { IFigureSpec, IReportBundle } from '../../deni/report/types';
import { el } from './dom';
import type { IPlotlyApi, PlotlyLoader } from './plotly-loader';
import { headerNode, noticeNode, progressNode } from './progress-view';
import { readBundle } from './read-bundle';
import { sanitizeFigure } from './sanitize-figure';
import { plainTableNode, statsNode } from './stats-view';
import { type CopyText, type ITableSort, TableView } from './table-view';

/** Options of {@link ReportView}. */
export interface IReportViewOptions {
  loadPlotly: PlotlyLoader;
  copy: CopyText;
}

/** Plotly config set by the renderer, never by the bundle (see sanitize-figure.ts, rule 5). */
export const PLOTLY_CONFIG: Readonly<Record<string, unknown>> = {
  responsive: false,
  displaylogo: false,
  showLink: false,
  showSendToCloud: false,
  showEditInChartStudio: false,
  editable: false,
  scrollZoom: false,
  typesetMath: false,
  modeBarButtonsToRemove: ['sendDataToCloud', 'editInChartStudio']
};

function themeLayout(
  host: HTMLElement,
  layout: Record<string, unknown>
): Record<string, unknown> {
  // Plotly's own white background and dark text would ignore the JupyterLab theme; take colours
  // from the theme's CSS variables unless the figure set its own.
  const css = getComputedStyle(host);
  const fg = css.getPropertyValue('--jp-ui-font-color1').trim();
  const grid = css.getPropertyValue('--jp-border-color2').trim();
  const themed: Record<string, unknown> = {
    autosize: true,
    height: 380,
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    ...layout
  };
  if (fg && themed.font === undefined) {
    themed.font = { color: fg };
  }
  if (grid) {
    for (const axis of ['xaxis', 'yaxis']) {
      const a = themed[axis];
      const base =
        typeof a === 'object' && a !== null
          ? (a as Record<string, unknown>)
          : {};
      themed[axis] = { gridcolor: grid, zerolinecolor: grid, ...base };
    }
  }
  return themed;
}

/** A report bundle rendered into `node`. */
export class ReportView {
  /** The host element (class `jp-deni-report`). */
  readonly node: HTMLElement;

  constructor(private readonly _options: IReportViewOptions) {
    this.node = el('div', { className: 'jp-deni-report' });
  }

  /** The bundle currently shown (null before the first render or after an invalid one). */
  get bundle(): IReportBundle | null {
    return this._bundle;
  }

  /** The table views of the current render (for tests and the widget). */
  get tables(): ReadonlyArray<TableView> {
    return this._tables;
  }

  /** The figure hosts of the current render, in bundle order. */
  get figureNodes(): ReadonlyArray<HTMLElement> {
    return this._figureNodes;
  }

  /**
   * Show `data` (the MIME payload). Resolves once figures are drawn or have failed with a
   * readable message in their place; never rejects.
   */
  async render(data: unknown): Promise<void> {
    this._purgeFigures();
    const read = readBundle(data);
    if (!read.ok) {
      this._bundle = null;
      this._tables = [];
      this.node.replaceChildren(
        el('div', { className: 'jp-deni-error', attrs: { role: 'alert' } }, [
          el('pre', { className: 'jp-deni-error-text', text: read.error })
        ])
      );
      return;
    }
    const bundle = read.bundle;
    this._bundle = bundle;
    this._tables = bundle.tables.map(
      (table, i) =>
        new TableView(table, {
          copy: this._options.copy,
          sort: this._sorts.get(i) ?? null,
          onSort: (sort: ITableSort | null) => this._sorts.set(i, sort)
        })
    );
    const figures = bundle.figures.map(f => this._figureHost(f));
    this._figureNodes = figures;
    this.node.replaceChildren(
      ...[
        headerNode(bundle),
        progressNode(bundle),
        noticeNode(bundle),
        ...this._tables.map(t => t.node),
        figures.length
          ? el('div', { className: 'jp-deni-figures' }, figures)
          : null,
        ...(bundle.plainTables?.length
          ? bundle.plainTables.map(plainTableNode)
          : [statsNode(bundle.stats)])
      ].filter((n): n is HTMLElement => n !== null)
    );
    if (bundle.figures.length) {
      await this._draw(bundle.figures, figures);
    }
  }

  /** Fit every figure to its host's current width (after the panel resized). */
  resize(): void {
    const plotly = this._plotly;
    if (!plotly) {
      return;
    }
    for (const node of this._drawn) {
      if (node.isConnected && node.offsetWidth > 0) {
        void Promise.resolve(plotly.Plots.resize(node)).catch(() => undefined);
      }
    }
  }

  /** Release plotly's resources. */
  dispose(): void {
    this._purgeFigures();
  }

  private _figureHost(figure: IFigureSpec): HTMLElement {
    return el('div', {
      className: 'jp-deni-figure',
      attrs: {
        'data-figure-id': figure.id,
        role: 'figure',
        'aria-label': figure.title || figure.id
      }
    });
  }

  private async _draw(
    specs: IFigureSpec[],
    hosts: HTMLElement[]
  ): Promise<void> {
    const token = ++this._renderToken;
    let plotly: IPlotlyApi;
    try {
      plotly = await this._options.loadPlotly();
    } catch (err) {
      hosts.forEach(h =>
        this._figureError(h, `plotly.js could not be loaded: ${String(err)}`)
      );
      return;
    }
    if (token !== this._renderToken) {
      return;
    }
    this._plotly = plotly;
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i];
      const host = hosts[i];
      const safe = sanitizeFigure(spec.data, spec.layout);
      if (safe.data.length === 0) {
        this._figureError(
          host,
          `Figure "${spec.title || spec.id}" has no drawable traces.`
        );
        continue;
      }
      try {
        await plotly.newPlot(
          host,
          safe.data,
          themeLayout(this.node, safe.layout),
          { ...PLOTLY_CONFIG }
        );
        if (token !== this._renderToken) {
          plotly.purge(host);
          return;
        }
        this._drawn.push(host);
      } catch (err) {
        this._figureError(
          host,
          `Figure "${spec.title || spec.id}" could not be drawn: ${String(err)}`
        );
      }
    }
  }

  private _figureError(host: HTMLElement, message: string): void {
    host.replaceChildren(
      el('div', { className: 'jp-deni-figure-error', text: message })
    );
  }

  private _purgeFigures(): void {
    this._renderToken++;
    if (this._plotly) {
      for (const node of this._drawn) {
        this._plotly.purge(node);
      }
    }
    this._drawn = [];
  }

  private _bundle: IReportBundle | null = null;
  private _tables: TableView[] = [];
  private _figureNodes: HTMLElement[] = [];
  private _drawn: HTMLElement[] = [];
  private _plotly: IPlotlyApi | null = null;
  private _renderToken = 0;
  private readonly _sorts = new Map<number, ITableSort | null>();
}
