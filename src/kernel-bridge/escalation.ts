/**
 * When the sidecar thread steps in for an interrupt or shutdown that the kernel's main thread
 * has not acknowledged (the main thread acknowledges each control request as soon as it sees
 * it). A busy cell gets, {@link STUCK_MS} apart, first a SIGINT (vm's breakOnSigint stops
 * synchronous code cleanly), then V8's terminateExecution (for loops after an `await`).
 */

/** How long a busy main thread may leave an interrupt unacknowledged before each escalation. */
export const STUCK_MS = 500;

/** The two steps of an escalation (the sidecar thread passes the real ones). */
export interface IEscalationSteps {
  sigint(): void;
  terminate(): void;
}

/** The unacknowledged interrupt and shutdown requests, and whether a code cell runs. */
export class Escalation {
  private readonly unacked = new Map<string, NodeJS.Timeout>();
  private cellRunning = false;
  private closed = false;

  constructor(
    private readonly steps: IEscalationSteps,
    private readonly stuckMs: number = STUCK_MS
  ) {}

  /** An interrupt or shutdown request went to the main thread. */
  request(msgId: string): void {
    if (!this.closed) {
      this.arm(msgId, 'sigint');
    }
  }

  /** The main thread saw the request: it handles it itself. */
  ack(msgId: string): void {
    clearTimeout(this.unacked.get(msgId));
    this.unacked.delete(msgId);
  }

  /** Whether a code cell runs (only a running cell is ever stopped). */
  cell(running: boolean): void {
    this.cellRunning = running;
  }

  /** The kernel closes: nothing is escalated any more. */
  close(): void {
    this.closed = true;
    for (const timer of this.unacked.values()) {
      clearTimeout(timer);
    }
    this.unacked.clear();
  }

  private arm(msgId: string, step: 'sigint' | 'terminate'): void {
    const timer = setTimeout(() => this.fire(msgId, step), this.stuckMs);
    this.unacked.set(msgId, timer);
  }

  private fire(msgId: string, step: 'sigint' | 'terminate'): void {
    if (this.closed || !this.unacked.has(msgId)) {
      return;
    }
    if (!this.cellRunning) {
      if (step === 'sigint') {
        // The main thread is busy before the cell has started (the first cell waits for the
        // engine to load): the interrupt is for that cell, so keep waiting for it.
        this.arm(msgId, step);
      } else {
        // The SIGINT stopped the cell; the main thread will see the request.
        this.unacked.delete(msgId);
      }
    } else if (step === 'sigint') {
      this.steps.sigint();
      this.arm(msgId, 'terminate');
    } else {
      this.unacked.delete(msgId);
      this.steps.terminate();
    }
  }
}
