import type { TargetSummary, UnavailabilityWindow } from './types.ts';

/**
 * Turns one writer's sequence of write outcomes into unavailability windows. A window opens at the issue time
 * of the first failed write after an acknowledged one, extends over every further failure, and closes when a
 * write is acknowledged (at its acknowledgement time: until then no client had evidence that writes work).
 * Pure: times are passed in, so tests need no clock.
 */
export class AvailabilityTracker {
  readonly target: string;
  readonly windows: UnavailabilityWindow[] = [];
  attempted = 0;
  acknowledged = 0;
  failed = 0;
  private openSinceMs: number | undefined;
  private openCause = '';

  constructor(target: string) {
    this.target = target;
  }

  recordAcknowledged(_issuedAtMs: number, acknowledgedAtMs: number): void {
    this.attempted++;
    this.acknowledged++;
    if (this.openSinceMs !== undefined) {
      this.windows.push({
        startMs: this.openSinceMs,
        endMs: acknowledgedAtMs,
        target: this.target,
        cause: this.openCause,
      });
      this.openSinceMs = undefined;
    }
  }

  /** `error` is kept only for the write that opens a window: it says why the target became unavailable. */
  recordFailed(issuedAtMs: number, error: string): void {
    this.attempted++;
    this.failed++;
    if (this.openSinceMs !== undefined) return;
    this.openSinceMs = issuedAtMs;
    this.openCause = error;
  }

  /** A window still open when the probe stops is closed at the stop time (the target never recovered). */
  closeAt(stopMs: number): void {
    if (this.openSinceMs === undefined) return;
    this.windows.push({ startMs: this.openSinceMs, endMs: stopMs, target: this.target, cause: this.openCause });
    this.openSinceMs = undefined;
  }

  isUnavailable(): boolean {
    return this.openSinceMs !== undefined;
  }

  summary(): TargetSummary {
    const lengths = this.windows.map((w) => w.endMs - w.startMs);
    return {
      longestUnavailableMs: Math.max(0, ...lengths),
      totalUnavailableMs: lengths.reduce((sum, ms) => sum + ms, 0),
      failed: this.failed,
    };
  }
}
