/**
 * The progress display of a sweep: one output that updates in place (display_data with a
 * display id, then update_display_data), ending in the report bundle. The bundles come from
 * deni/report (through the engine), so the plugin draws progress and report alike.
 */
import { randomUUID } from 'node:crypto';
import type { ISweepProgress } from '../deni/contract/types';
import { MimeBundle } from './protocol/messages';

/** Sends a bundle to the notebook (first display or update of the same display id). */
export type DisplaySink = (
  bundle: MimeBundle,
  options: { displayId: string; update: boolean }
) => void;

/** Renders progress as a MIME bundle (IDeniEngine.progress). */
export type ProgressRenderer = (progress: ISweepProgress) => MimeBundle;

/** Minimum milliseconds between two progress updates (steps can arrive many times a second). */
const MIN_UPDATE_MS = 250;

/** The one in-place display of a sweep. */
export class ProgressDisplay {
  readonly displayId = `deni-progress-${randomUUID()}`;
  private shown = false;
  private lastSent = 0;
  private lastDone = -1;
  private latest: ISweepProgress;

  /** The sweep's latest progress (shown or throttled): what an error display starts from. */
  get last(): ISweepProgress {
    return this.latest;
  }

  constructor(
    private readonly sink: DisplaySink,
    private readonly render: ProgressRenderer,
    initial: ISweepProgress
  ) {
    this.latest = initial;
  }

  /** Shows the progress; repeated calls update the same output (throttled unless forced). */
  update(progress: ISweepProgress, force = false): void {
    this.latest = progress;
    const now = Date.now();
    if (
      !force &&
      this.shown &&
      progress.done === this.lastDone &&
      now - this.lastSent < MIN_UPDATE_MS
    ) {
      return;
    }
    this.lastSent = now;
    this.lastDone = progress.done;
    this.send(this.render(progress));
  }

  /** Replaces the progress by a final bundle (the report). */
  finish(bundle: MimeBundle): void {
    this.send(bundle);
  }

  private send(bundle: MimeBundle): void {
    this.sink(bundle, { displayId: this.displayId, update: this.shown });
    this.shown = true;
  }
}
