/**
 * recover through in-memory ports, and its pure decision: a stalled due step gets its starting message again (the
 * one dispatch.ts builds), a step stalled past spec.timeout ends the run — unless it judges its own deadline.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RedisOpsRequest } from '../../kubedb/types.ts';
import { testWorld } from '../../../test/support/fake-ports.ts';
import { stepData } from '../../../test/support/messages.ts';
import { opsRequest, trueCondition } from '../../../test/support/objects.ts';
import { decideRecovery } from './decide-recovery.ts';
import { runRecover } from './recover-step.ts';

function world(ops: RedisOpsRequest) {
  const w = testWorld();
  const stored = w.kube.addOpsRequest(ops);
  return {
    get sent() {
      return w.queue.sent.map((s) => ({ step: s.step, data: s.data }));
    },
    deps: w.deps,
    message: stepData('recover', stored),
    advance: (ms: number) => w.clock.advance(ms),
  };
}

const paused = [trueCondition('Reconfigure'), trueCondition('DatabasePauseSucceeded')];
const plan = (pods: string[]) => ({
  'redis-reconfigure.io/plan': JSON.stringify({
    version: 1,
    restart: true,
    restartReason: 'r',
    pods,
    expected: [],
    previous: [],
    configHash: 'h',
  }),
});

void describe('recover: a stalled step', () => {
  void it('re-sends the due step after stallSeconds, and ends the run once it is stalled past spec.timeout', async () => {
    const progressing = opsRequest({ phase: 'Progressing', spec: { timeout: '5m' }, conditions: paused });
    const w = world(progressing);
    w.advance(2 * 60_000);
    await runRecover(w.message, w.deps);
    assert.deepEqual(
      w.sent.map((s) => s.step),
      ['apply-config'],
    );
    w.advance(5 * 60_000);
    await assert.rejects(
      runRecover(w.message, w.deps),
      (err: Error) =>
        err.name === 'OpsRequestFailedError' && /step apply-config made no progress within 5m/.test(err.message),
    );
  });

  void it('sends the message that starts the step: a restart-pod check names its pod, and carries no recover field', async () => {
    const ops = opsRequest({
      phase: 'Progressing',
      annotations: plan(['rd-1', 'rd-0']),
      conditions: [...paused, trueCondition('UpdatePetSets'), trueCondition('EvictPod--rd-1')],
    });
    const w = world(ops);
    w.advance(2 * 60_000);
    await runRecover(w.message, w.deps);
    assert.deepEqual(w.sent, [
      {
        step: 'restart-pod',
        data: { ...w.message, step: 'restart-pod', pod: 'rd-1', phase: 'check', attempt: 0 },
      },
    ]);
  });
});

void describe('decideRecovery', () => {
  const at = (ms: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + ms);
  const settings = { stallSeconds: 60, safetyNetSeconds: 5 };

  void it('leaves halt to halt, finished runs alone, and a step that progressed recently', () => {
    assert.equal(decideRecovery(opsRequest({}), at(3_600_000), settings).kind, 'none');
    assert.equal(decideRecovery(opsRequest({ phase: 'Successful' }), at(3_600_000), settings).kind, 'none');
    const progressing = opsRequest({ phase: 'Progressing', conditions: paused });
    assert.equal(decideRecovery(progressing, at(59_000), settings).kind, 'none');
    assert.equal(decideRecovery(progressing, at(61_000), settings).kind, 'resend');
  });

  void it('never times out a step that judges its own deadline: a restart-pod check, a rollback check', () => {
    const checking = opsRequest({
      phase: 'Progressing',
      annotations: plan(['rd-0']),
      conditions: [...paused, trueCondition('UpdatePetSets'), trueCondition('EvictPod--rd-0')],
    });
    const rollingBack = opsRequest({
      phase: 'Progressing',
      annotations: plan(['rd-0']),
      conditions: [...paused, trueCondition('UpdatePetSets'), trueCondition('RolledBack')],
    });
    for (const ops of [checking, rollingBack])
      assert.equal(decideRecovery(ops, at(3_600_000), settings).kind, 'resend');
    const evicting = opsRequest({
      phase: 'Progressing',
      annotations: plan(['rd-0']),
      conditions: [...paused, trueCondition('UpdatePetSets')],
    });
    assert.equal(decideRecovery(evicting, at(3_600_000), settings).kind, 'fail');
  });
});
