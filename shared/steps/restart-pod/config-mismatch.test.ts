import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONFIG_SETTLE_MS } from '../timing.ts';
import { describeMismatches, mismatchIsFinal } from './config-mismatch.ts';

describe('config mismatch on a Ready pod', () => {
  const now = new Date('2026-01-01T00:00:10Z');
  it('is final once the pod has been Ready for the settle time, not before, and not without a Ready time', () => {
    assert.equal(mismatchIsFinal(new Date(now.getTime() - CONFIG_SETTLE_MS).toISOString(), now), true);
    assert.equal(mismatchIsFinal(new Date(now.getTime() - CONFIG_SETTLE_MS + 1).toISOString(), now), false);
    assert.equal(mismatchIsFinal(undefined, now), false);
    assert.equal(mismatchIsFinal('not a time', now), false);
  });
  it('names each parameter with both values, and explains a maxclients lowered by the open-file limit', () => {
    assert.equal(
      describeMismatches([
        { parameter: 'maxclients', expected: '100000', actual: '19968' },
        { parameter: 'maxmemory-policy', expected: 'allkeys-lru', actual: undefined },
      ]),
      'maxclients: expected "100000", got "19968" (redis-server lowers maxclients to its open-file limit minus 32: raise the container\'s nofile ulimit or ask for at most 19968); maxmemory-policy: expected "allkeys-lru", got "(none)"',
    );
    assert.equal(
      describeMismatches([{ parameter: 'maxclients', expected: '100', actual: '200' }]),
      'maxclients: expected "100", got "200"',
    );
  });
});
