import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PodView } from '../ports.ts';
import { decideCheck } from './decide-check.ts';

const now = new Date('2026-01-01T00:01:00Z');
const later = new Date('2026-01-01T00:10:00Z');
const earlier = new Date('2026-01-01T00:00:30Z');
const pod = (p: Partial<PodView>): PodView => ({
  name: 'rd-0',
  uid: 'new',
  deleting: false,
  ready: false,
  restartCount: 0,
  ...p,
});

describe('decideCheck', () => {
  it('waits while the old pod terminates or the new one starts', () => {
    assert.equal(
      decideCheck({
        pod: pod({ uid: 'old', ready: true, podIP: '127.10.0.2' }),
        evictedUid: 'old',
        now,
        deadline: later,
      }).kind,
      'wait',
    );
    assert.equal(decideCheck({ pod: undefined, evictedUid: 'old', now, deadline: later }).kind, 'wait');
    assert.equal(decideCheck({ pod: pod({}), evictedUid: 'old', now, deadline: later }).kind, 'wait');
  });
  it('verifies the config once the replacement is Ready with an IP', () => {
    assert.deepEqual(
      decideCheck({ pod: pod({ ready: true, podIP: '127.10.0.2' }), evictedUid: 'old', now, deadline: later }),
      { kind: 'verify-config', podIP: '127.10.0.2' },
    );
    assert.deepEqual(
      decideCheck({
        pod: pod({ ready: true, podIP: '127.10.0.2', readySince: '2026-01-01T00:00:55.000Z' }),
        evictedUid: 'old',
        now,
        deadline: later,
      }),
      {
        kind: 'verify-config',
        podIP: '127.10.0.2',
        readySince: '2026-01-01T00:00:55.000Z',
      },
    );
  });
  it("calls a restarting, failing replacement crash-looping, with the container's own words", () => {
    const d = decideCheck({
      pod: pod({ restartCount: 2, problem: 'Bad directive or wrong number of arguments' }),
      evictedUid: 'old',
      now,
      deadline: later,
    });
    assert.deepEqual(d, { kind: 'crash-looping', problem: 'Bad directive or wrong number of arguments' });
  });
  it('times out past the deadline, saying what it waited for', () => {
    const d = decideCheck({ pod: pod({ problem: 'ContainerCreating' }), evictedUid: 'old', now, deadline: earlier });
    assert.equal(d.kind, 'timeout');
    assert.match(d.kind === 'timeout' ? d.why : '', /ContainerCreating/);
  });
});
