/** The live part of a report: status badge, progress bar, and readable error or interruption notes. */
import type { IReportBundle } from '../../deni/report/types';
import { el, fmtDuration } from './dom';

const STATUS_LABEL: Record<IReportBundle['status'], string> = {
  running: 'Running',
  done: 'Done',
  interrupted: 'Interrupted',
  error: 'Error'
};

/** Fraction of runs finished (0..1); 0 when the total is unknown. */
export function progressFraction(progress: IReportBundle['progress']): number {
  if (!progress || !(progress.total > 0)) {
    return 0;
  }
  return Math.min(1, Math.max(0, progress.done / progress.total));
}

/** One line such as `12 / 40 runs (3 from the result store, 1 failed)`. */
export function progressSummary(
  progress: NonNullable<IReportBundle['progress']>
): string {
  const extra: string[] = [];
  if (progress.cached > 0) {
    extra.push(`${progress.cached} from the result store`);
  }
  if (progress.failed > 0) {
    extra.push(`${progress.failed} failed`);
  }
  const runs = `${progress.done} / ${progress.total} runs`;
  return extra.length ? `${runs} (${extra.join(', ')})` : runs;
}

/** Header with the sweep name and status badge. */
export function headerNode(bundle: IReportBundle): HTMLElement {
  return el('div', { className: 'jp-deni-report-header' }, [
    el('span', {
      className: 'jp-deni-report-title',
      text: `Sweep ${bundle.sweep}`
    }),
    el('span', {
      className: `jp-deni-status jp-deni-status-${bundle.status}`,
      text: STATUS_LABEL[bundle.status]
    })
  ]);
}

/** The progress bar and its text; null when the bundle has no progress. */
export function progressNode(bundle: IReportBundle): HTMLElement | null {
  const p = bundle.progress;
  if (!p) {
    return null;
  }
  const fraction = progressFraction(p);
  const percent = Math.round(fraction * 100);
  const bar = el(
    'div',
    {
      className: 'jp-deni-progress',
      attrs: {
        role: 'progressbar',
        'aria-valuemin': '0',
        'aria-valuemax': String(p.total),
        'aria-valuenow': String(p.done),
        'aria-label': `Sweep ${bundle.sweep} progress`
      }
    },
    [
      el('div', {
        className: 'jp-deni-progress-fill',
        attrs: { style: `width: ${percent}%` }
      })
    ]
  );
  const lines = [progressSummary(p)];
  if (bundle.status === 'running') {
    if (p.current) {
      lines.push(`now: ${p.current}`);
    }
    if (p.etaSeconds !== undefined) {
      lines.push(`about ${fmtDuration(p.etaSeconds)} left`);
    }
  }
  return el(
    'div',
    { className: `jp-deni-progress-block jp-deni-progress-${bundle.status}` },
    [
      bar,
      el('div', {
        className: 'jp-deni-progress-text',
        text: lines.join(' \u00B7 ')
      })
    ]
  );
}

/** Readable error or interruption note; null for running/done bundles without an error. */
export function noticeNode(bundle: IReportBundle): HTMLElement | null {
  if (bundle.status === 'error' || bundle.error) {
    return el('div', { className: 'jp-deni-error', attrs: { role: 'alert' } }, [
      el('div', {
        className: 'jp-deni-error-title',
        text: `Sweep ${bundle.sweep} failed`
      }),
      el('pre', {
        className: 'jp-deni-error-text',
        text: bundle.error ?? 'The kernel reported an error without a message.'
      })
    ]);
  }
  if (bundle.status === 'interrupted') {
    const saved = bundle.progress
      ? ` ${bundle.progress.done} of ${bundle.progress.total} runs are saved.`
      : '';
    return el('div', {
      className: 'jp-deni-notice',
      attrs: { role: 'status' },
      text: `Sweep ${bundle.sweep} was interrupted.${saved} Run the cell again to resume where it stopped.`
    });
  }
  return null;
}
