/** messageFor: the one due step → message mapping, checked against dueStep for every state it can return. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stepDataSchema, type StepData } from '../messages/step-message.ts';
import { messageFor } from './dispatch.ts';

const data: StepData = {
  version: 1,
  clusterId: 'c',
  namespace: 'demo',
  opsRequest: { name: 'rd', uid: 'u' },
  step: 'restart-pod',
  pod: 'rd-0',
  phase: 'check',
  attempt: 7,
  traceId: 't',
};
const refs = { version: 1, clusterId: 'c', namespace: 'demo', opsRequest: { name: 'rd', uid: 'u' }, traceId: 't' };

void describe('messageFor', () => {
  void it('starts each step with a new chain (attempt 0) and only the fields that step reads', () => {
    assert.deepEqual(messageFor({ step: 'apply-config' }, data), {
      step: 'apply-config',
      data: { ...refs, step: 'apply-config', attempt: 0 },
    });
    assert.deepEqual(messageFor({ step: 'restart-pod', pod: 'rd-1', phase: 'evict' }, data), {
      step: 'restart-pod',
      data: { ...refs, step: 'restart-pod', pod: 'rd-1', phase: 'evict', attempt: 0 },
    });
    assert.deepEqual(messageFor({ step: 'rolling-back', plan: { pods: ['rd-2', 'rd-1'] } }, data).data, {
      ...refs,
      step: 'restart-pod',
      pod: 'rd-2',
      phase: 'check',
      attempt: 0,
    });
    assert.deepEqual(messageFor({ step: 'resume', outcome: 'Successful' }, data).data.outcome, {
      status: 'Successful',
      reason: 'Successful',
      message: 'Successfully completed the modification process.',
    });
    assert.deepEqual(messageFor({ step: 'resume', outcome: 'Failed', reason: 'Timeout', message: 'm' }, data).data, {
      ...refs,
      step: 'resume',
      attempt: 0,
      outcome: { status: 'Failed', reason: 'Timeout', message: 'm' },
    });
  });

  void it('builds messages the schema accepts', () => {
    for (const due of [
      { step: 'halt' },
      { step: 'apply-config' },
      { step: 'restart-pod', pod: 'rd-0', phase: 'check' },
      { step: 'resume', outcome: 'Successful' },
    ] as const)
      assert.equal(stepDataSchema.safeParse(messageFor(due, data).data).success, true, due.step);
  });
});
