/** The JupyterLab MIME renderer of report bundles: a lumino widget around {@link ReportView}. */
import { Clipboard } from '@jupyterlab/apputils';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import { REPORT_MIME } from '../../deni/report/types';
import { loadPlotly } from './plotly-loader';
import { type IReportViewOptions, ReportView } from './report-view';

/** Renders `application/vnd.deni.report.v1+json` outputs; re-renders on every display update. */
export class ReportRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(
    options: IRenderMime.IRendererOptions,
    viewOptions: IReportViewOptions = {
      loadPlotly,
      copy: text => Clipboard.copyToSystem(text)
    }
  ) {
    super();
    this._mimeType = options.mimeType;
    this._view = new ReportView(viewOptions);
    this.addClass('jp-deni-renderer');
    this.node.appendChild(this._view.node);
  }

  /** The view (for tests and diagnostics). */
  get view(): ReportView {
    return this._view;
  }

  /** Render the model's bundle (called again by the output area on `update_display_data`). */
  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    return this._view.render(model.data[this._mimeType]);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._observer?.disconnect();
    this._view.dispose();
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    // Output areas do not always forward resize messages (e.g. the side panel changes the
    // notebook's width), so watch the node itself.
    if (typeof ResizeObserver !== 'undefined' && !this._observer) {
      this._observer = new ResizeObserver(() => this._scheduleResize());
      this._observer.observe(this.node);
    }
  }

  protected onBeforeDetach(msg: Message): void {
    this._observer?.disconnect();
    this._observer = null;
    super.onBeforeDetach(msg);
  }

  protected onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    this._scheduleResize();
  }

  private _scheduleResize(): void {
    if (this._frame !== 0) {
      return;
    }
    this._frame = requestAnimationFrame(() => {
      this._frame = 0;
      this._view.resize();
    });
  }

  private readonly _mimeType: string;
  private readonly _view: ReportView;
  private _observer: ResizeObserver | null = null;
  private _frame = 0;
}

/** Rank below the text/html and plotly renderers, so the full report wins in JupyterLab. */
export const REPORT_RENDERER_RANK = 0;

/**
 * `safe: true`: the renderer never runs code or HTML from the bundle, so it may render outputs of
 * untrusted notebooks (e.g. a saved notebook reopened from disk).
 */
export const reportRendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [REPORT_MIME],
  defaultRank: REPORT_RENDERER_RANK,
  createRenderer: options => new ReportRenderer(options)
};
