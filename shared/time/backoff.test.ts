import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff, WATCH_BACKOFF } from './backoff.ts';

describe('Backoff', () => {
  it('doubles from 200 ms up to the 30 s cap (no jitter drawn)', () => {
    const b = new Backoff(WATCH_BACKOFF, () => 0);
    const delays = Array.from({ length: 11 }, () => b.next());
    assert.deepEqual(delays, [200, 400, 800, 1600, 3200, 6400, 12_800, 25_600, 30_000, 30_000, 30_000]);
    assert.equal(b.attempt, 11);
  });

  it('jitter only shortens a delay, by at most the jitter fraction', () => {
    const b = new Backoff(WATCH_BACKOFF, () => 1);
    assert.deepEqual([b.next(), b.next(), b.next()], [140, 280, 560]);
    for (let i = 0; i < 20; i++) b.next();
    assert.equal(b.next(), 21_000);
  });

  it('reset starts the schedule over', () => {
    const b = new Backoff(WATCH_BACKOFF, () => 0);
    b.next();
    b.next();
    b.reset();
    assert.equal(b.attempt, 0);
    assert.equal(b.next(), 200);
  });

  it('rejects nonsensical policies', () => {
    assert.throws(() => new Backoff({ initialMs: 0, maxMs: 1, factor: 2, jitter: 0 }), RangeError);
    assert.throws(() => new Backoff({ initialMs: 10, maxMs: 5, factor: 2, jitter: 0 }), RangeError);
    assert.throws(() => new Backoff({ initialMs: 10, maxMs: 50, factor: 2, jitter: 2 }), RangeError);
  });
});
