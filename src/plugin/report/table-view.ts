/**
 * The paper-style table as DOM: click a header to sort (best first, then reverse, then the
 * bundle's order), best values marked, and "Copy as Markdown / LaTeX" of the rows as shown.
 */
import type { IReportTable, ITableCell } from '../../deni/report/types';
import { el } from './dom';
import { ROW_HEADER, tableToLatex, tableToMarkdown } from './table-format';

/** Sort of one table: `column` -1 is the row-label column. */
export interface ITableSort {
  column: number;
  direction: 'asc' | 'desc';
}

/** Writes text to the clipboard (JupyterLab's Clipboard in the app, a recorder in tests). */
export type CopyText = (text: string) => void | Promise<void>;

/** Row indices of `table` in the order `sort` shows them; missing cells always go last. */
export function sortedRowOrder(
  table: IReportTable,
  sort: ITableSort | null
): number[] {
  const order = table.rows.map((_, i) => i);
  if (!sort) {
    return order;
  }
  const sign = sort.direction === 'asc' ? 1 : -1;
  return order.sort((a, b) => {
    const ra = table.rows[a];
    const rb = table.rows[b];
    let cmp: number;
    if (sort.column < 0) {
      cmp = sign * ra.label.localeCompare(rb.label);
    } else {
      const ca = ra.cells[sort.column] ?? null;
      const cb = rb.cells[sort.column] ?? null;
      if (!ca || !cb) {
        cmp = ca === cb ? 0 : ca ? -1 : 1;
      } else {
        cmp = sign * (ca.mean - cb.mean) || ca.std - cb.std;
      }
    }
    return cmp || a - b;
  });
}

/** Next sort after a click on `column`: first click best-first (labels A-Z), second reverses, third resets. */
export function nextSort(
  current: ITableSort | null,
  column: number
): ITableSort | null {
  const first: ITableSort['direction'] = column < 0 ? 'asc' : 'desc';
  if (!current || current.column !== column) {
    return { column, direction: first };
  }
  if (current.direction === first) {
    return { column, direction: first === 'asc' ? 'desc' : 'asc' };
  }
  return null;
}

function cellNode(cell: ITableCell | null): HTMLTableCellElement {
  if (!cell) {
    return el('td', {
      className: 'jp-deni-cell jp-deni-cell-empty',
      text: '\u2013'
    });
  }
  const classes = ['jp-deni-cell'];
  const notes: string[] = [];
  if (cell.bestMean) {
    classes.push('jp-deni-best-mean');
    notes.push('best mean of the column');
  }
  if (cell.bestStd) {
    classes.push('jp-deni-best-std');
    notes.push('lowest std of the column');
  }
  const text = cell.bestMean
    ? el('strong', { text: cell.text })
    : document.createTextNode(cell.text);
  return el(
    'td',
    {
      className: classes.join(' '),
      title: notes.length ? notes.join('; ') : undefined,
      attrs: { 'data-mean': String(cell.mean), 'data-std': String(cell.std) }
    },
    [text]
  );
}

/** Options of {@link TableView}. */
export interface ITableViewOptions {
  copy: CopyText;
  /** Sort to start with (kept across re-renders of a live report). */
  sort?: ITableSort | null;
  /** Called when the user changes the sort. */
  onSort?: (sort: ITableSort | null) => void;
}

/** One sortable paper-style table with its copy buttons. */
export class TableView {
  /** The table block (toolbar + table). */
  readonly node: HTMLElement;

  constructor(
    private readonly _table: IReportTable,
    private readonly _options: ITableViewOptions
  ) {
    this._sort = _options.sort ?? null;
    this._tbody = el('tbody');
    this._thead = el('thead');
    this._status = el('span', {
      className: 'jp-deni-copy-status',
      attrs: { 'aria-live': 'polite' }
    });
    const markdown = el('button', {
      className: 'jp-deni-button jp-deni-copy-markdown',
      text: 'Copy as Markdown',
      attrs: { type: 'button' }
    });
    const latex = el('button', {
      className: 'jp-deni-button jp-deni-copy-latex',
      text: 'Copy as LaTeX',
      attrs: { type: 'button' }
    });
    markdown.addEventListener('click', () =>
      this._copy(tableToMarkdown(this._table, this.order), 'Markdown')
    );
    latex.addEventListener('click', () =>
      this._copy(tableToLatex(this._table, this.order), 'LaTeX')
    );
    const table = el('table', { className: 'jp-deni-table' }, [
      el('caption', { text: _table.title }),
      this._thead,
      this._tbody
    ]);
    this.node = el('section', { className: 'jp-deni-table-block' }, [
      el('div', { className: 'jp-deni-table-toolbar' }, [
        markdown,
        latex,
        this._status
      ]),
      el('div', { className: 'jp-deni-table-scroll' }, [table]),
      el('div', {
        className: 'jp-deni-legend',
        text: 'Bold: best mean of the column. Underlined: lowest std of the column. Click a header to sort.'
      })
    ]);
    this._renderHead();
    this._renderBody();
  }

  /** Row indices in display order. */
  get order(): number[] {
    return sortedRowOrder(this._table, this._sort);
  }

  /** Current sort (null = the bundle's order). */
  get sort(): ITableSort | null {
    return this._sort;
  }

  /** Sort as if the header of `column` (-1 = strategy) was clicked. */
  clickHeader(column: number): void {
    this._sort = nextSort(this._sort, column);
    this._renderHead();
    this._renderBody();
    this._options.onSort?.(this._sort);
  }

  private _renderHead(): void {
    const labels = [ROW_HEADER, ...this._table.columns];
    const row = el('tr');
    labels.forEach((label, i) => {
      const column = i - 1;
      const active =
        this._sort && this._sort.column === column
          ? this._sort.direction
          : null;
      const ariaSort =
        active === 'asc'
          ? 'ascending'
          : active === 'desc'
            ? 'descending'
            : 'none';
      const button = el('button', {
        className: 'jp-deni-sort',
        text: label,
        attrs: { type: 'button', 'data-column': String(column) },
        title: column < 0 ? 'Sort by strategy' : `Sort by mean of ${label}`
      });
      if (active) {
        button.appendChild(
          el('span', {
            className: 'jp-deni-sort-mark',
            text: active === 'asc' ? ' \u25B2' : ' \u25BC'
          })
        );
      }
      button.addEventListener('click', () => this.clickHeader(column));
      row.appendChild(
        el('th', { attrs: { scope: 'col', 'aria-sort': ariaSort } }, [button])
      );
    });
    this._thead.replaceChildren(row);
  }

  private _renderBody(): void {
    const rows = this.order.map(i => {
      const r = this._table.rows[i];
      const cells = this._table.columns.map((_, c) =>
        cellNode(r.cells[c] ?? null)
      );
      return el('tr', { attrs: { 'data-row': String(i) } }, [
        el('th', { text: r.label, attrs: { scope: 'row' } }),
        ...cells
      ]);
    });
    this._tbody.replaceChildren(...rows);
  }

  private async _copy(text: string, what: string): Promise<void> {
    try {
      await this._options.copy(text);
      this._status.textContent = `Copied as ${what}.`;
    } catch (err) {
      this._status.textContent = `Could not copy: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  private _sort: ITableSort | null;
  private readonly _tbody: HTMLTableSectionElement;
  private readonly _thead: HTMLTableSectionElement;
  private readonly _status: HTMLSpanElement;
}
