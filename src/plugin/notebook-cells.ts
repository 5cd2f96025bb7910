/**
 * Writing and running cells so the notebook stays the record: every action of the plugin that
 * talks to the kernel on the user's behalf becomes a visible cell.
 */
import { CodeCell, type Cell } from '@jupyterlab/cells';
import type { KernelMessage } from '@jupyterlab/services';
import { NotebookActions, type NotebookPanel } from '@jupyterlab/notebook';

/**
 * Put `source` in a code cell below the active cell (or in the active cell when it is an empty
 * code cell, e.g. the first cell of a new notebook), make it active and return it.
 */
export function insertCodeCell(panel: NotebookPanel, source: string): CodeCell {
  const notebook = panel.content;
  const active = notebook.activeCell;
  const reuse =
    active instanceof CodeCell &&
    active.model.sharedModel.getSource().trim() === '';
  if (!reuse) {
    if (notebook.widgets.length === 0) {
      notebook.model?.sharedModel.insertCell(0, {
        cell_type: 'code',
        source: ''
      });
      notebook.activeCellIndex = 0;
    } else {
      NotebookActions.insertBelow(notebook);
    }
    if (notebook.activeCell && notebook.activeCell.model.type !== 'code') {
      NotebookActions.changeCellType(notebook, 'code');
    }
  }
  const cell = notebook.activeCell;
  if (!(cell instanceof CodeCell)) {
    throw new Error(`Could not create a code cell in ${panel.context.path}.`);
  }
  cell.model.sharedModel.setSource(source);
  return cell;
}

/** Execute `cell` on the notebook's kernel; resolves with the execute reply (void if cancelled). */
export function runCodeCell(
  panel: NotebookPanel,
  cell: CodeCell
): Promise<KernelMessage.IExecuteReplyMsg | void> {
  return CodeCell.execute(cell, panel.sessionContext);
}

/** Index of the cell with nbformat id `cellId` in `panel`, or -1. */
export function cellIndexById(panel: NotebookPanel, cellId: string): number {
  return panel.content.widgets.findIndex((c: Cell) => c.model.id === cellId);
}
