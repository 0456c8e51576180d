import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AvailabilityTracker } from './availability-tracker.ts';

describe('AvailabilityTracker', () => {
  it('opens a window at the first failure and closes it at the next acknowledgement', () => {
    const tracker = new AvailabilityTracker('primary');
    tracker.recordAcknowledged(0, 1);
    tracker.recordFailed(10, 'ECONNREFUSED');
    tracker.recordFailed(20, 'ECONNREFUSED');
    tracker.recordFailed(30, 'ECONNREFUSED');
    tracker.recordAcknowledged(40, 45);
    tracker.recordAcknowledged(50, 51);
    assert.deepEqual(tracker.windows, [{ startMs: 10, endMs: 45, target: 'primary', cause: 'ECONNREFUSED' }]);
    assert.deepEqual(tracker.summary(), { longestUnavailableMs: 35, totalUnavailableMs: 35, failed: 3 });
    assert.equal(tracker.attempted, 6);
  });

  it('keeps separate windows apart and sums them', () => {
    const tracker = new AvailabilityTracker('{t1}');
    tracker.recordFailed(0, 'ECONNREFUSED');
    tracker.recordAcknowledged(5, 10);
    tracker.recordFailed(100, 'ECONNREFUSED');
    tracker.recordAcknowledged(120, 130);
    assert.equal(tracker.windows.length, 2);
    assert.deepEqual(tracker.summary(), { longestUnavailableMs: 30, totalUnavailableMs: 40, failed: 2 });
  });

  it('closes a window still open when the probe stops', () => {
    const tracker = new AvailabilityTracker('primary');
    tracker.recordFailed(7, 'ECONNREFUSED');
    assert.equal(tracker.isUnavailable(), true);
    tracker.closeAt(100);
    tracker.closeAt(200); // idempotent
    assert.deepEqual(tracker.windows, [{ startMs: 7, endMs: 100, target: 'primary', cause: 'ECONNREFUSED' }]);
  });

  it('reports zero when nothing failed', () => {
    const tracker = new AvailabilityTracker('primary');
    tracker.recordAcknowledged(0, 1);
    assert.deepEqual(tracker.summary(), { longestUnavailableMs: 0, totalUnavailableMs: 0, failed: 0 });
  });
});
