import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Condition } from '../../kubedb/types.ts';
import type { RestartPlan } from '../annotations.ts';
import { opsRequest } from '../../../test/support/objects.ts';
import { clearRestartPending } from './restart-pending.ts';

const now = new Date('2026-02-01T00:00:00Z');
const pending: Condition = {
  type: 'RestartPending',
  status: 'True',
  reason: 'RestartOnlyDirectivesPending',
  message: 'databases pending',
  lastTransitionTime: '2026-01-01T00:00:00Z',
};
const plan = (restart: boolean, pods = ['rd-0']): RestartPlan => ({
  version: 1,
  restart,
  restartReason: 'r',
  pods,
  expected: [],
  previous: [],
  configHash: 'h',
});

void describe('clearRestartPending: a later run that restarts every pod clears what restart "false" left', () => {
  const ops = opsRequest();
  void it('rolling run, Successful: set False with the reason and the pods', () => {
    const [c] = clearRestartPending([pending], ops, plan(true), true, now);
    assert.equal(c?.status, 'False');
    assert.equal(c?.reason, 'RestartedAllPods');
    assert.match(c?.message ?? '', /every pod was restarted by RedisOpsRequest .*\(rd-0\)/);
    assert.equal(c?.lastTransitionTime, now.toISOString());
  });

  void it('kept: a live run (no restart), a failed run, no pending condition', () => {
    assert.deepEqual(clearRestartPending([pending], ops, plan(false), true, now), [pending]);
    assert.deepEqual(clearRestartPending([pending], ops, plan(true), false, now), [pending]);
    assert.deepEqual(clearRestartPending([pending], ops, undefined, true, now), [pending]);
    assert.deepEqual(clearRestartPending([], ops, plan(true), true, now), []);
  });
});
