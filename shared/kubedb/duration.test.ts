import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelaySeconds } from '../steps/timeouts.ts';
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
  it('starts at 1 s and doubles every two attempts up to the cap', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 20].map((a) => backoffDelaySeconds(a, 10)), [1, 1, 2, 2, 4, 4, 8, 10]);
  });
});
