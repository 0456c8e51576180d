import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelaySeconds, FAST_CHECKS } from '../steps/timing.ts';
import { parseGoDuration } from './duration.ts';

describe('parseGoDuration', () => {
  it('reads Go durations', () => {
    assert.equal(parseGoDuration('5m'), 300_000);
    assert.equal(parseGoDuration('1h30m'), 5_400_000);
    assert.equal(parseGoDuration('1.5s'), 1_500);
    assert.equal(parseGoDuration('300ms'), 300);
  });
  it('rejects anything else with a message naming the value', () => {
    assert.throws(() => parseGoDuration('5 minutes'), /invalid duration "5 minutes"/);
    assert.throws(() => parseGoDuration(''), /invalid duration/);
  });
});

describe('backoffDelaySeconds', () => {
  it('looks every second for FAST_CHECKS attempts, then doubles every two attempts up to the cap', () => {
    assert.equal(FAST_CHECKS, 15);
    assert.deepEqual(
      [0, 1, 14].map((a) => backoffDelaySeconds(a, 10)),
      [1, 1, 1],
    );
    assert.deepEqual(
      [15, 16, 17, 18, 19, 20, 21, 40].map((a) => backoffDelaySeconds(a, 10)),
      [2, 2, 4, 4, 8, 8, 10, 10],
    );
  });
});
