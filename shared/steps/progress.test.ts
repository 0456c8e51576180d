import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PLAN_ANNOTATION } from './annotations.ts';
import { dueStep } from './progress.ts';
import { opsRequest, trueCondition } from '../../test/support/objects.ts';

const plan = (restart: boolean, pods: string[]) => ({
  [PLAN_ANNOTATION]: JSON.stringify({
    version: 1,
    restart,
    restartReason: 'r',
    pods,
    expected: [],
    previous: [],
    configHash: 'h',
  }),
});
const base = [trueCondition('Reconfigure'), trueCondition('DatabasePauseSucceeded')];

describe('dueStep (the state machine, read from status only)', () => {
  it('starts with halt and ignores terminal or foreign ops requests', () => {
    assert.equal(dueStep(opsRequest()).step, 'halt');
    assert.equal(dueStep(opsRequest({ phase: 'Pending' })).step, 'halt');
    assert.equal(dueStep(opsRequest({ phase: 'Successful' })).step, 'none');
    assert.equal(dueStep(opsRequest({ phase: 'Failed' })).step, 'none');
    assert.equal(dueStep(opsRequest({ spec: { type: 'Restart' } })).step, 'none');
  });

  it('walks apply-config → restart each pod (evict, check) → resume', () => {
    assert.equal(dueStep(opsRequest({ phase: 'Progressing', conditions: base })).step, 'apply-config');
    const updated = [...base, trueCondition('patchedSecret'), trueCondition('UpdatePetSets')];
    const pods = ['rd-0', 'rd-1'];
    assert.deepEqual(
      pick(dueStep(opsRequest({ phase: 'Progressing', conditions: updated, annotations: plan(true, pods) }))),
      { step: 'restart-pod', pod: 'rd-0', phase: 'evict' },
    );
    const evicted0 = [...updated, trueCondition('EvictPod--rd-0')];
    assert.deepEqual(
      pick(dueStep(opsRequest({ phase: 'Progressing', conditions: evicted0, annotations: plan(true, pods) }))),
      { step: 'restart-pod', pod: 'rd-0', phase: 'check' },
    );
    const ready0 = [...evicted0, trueCondition('IsPodReady--rd-0')];
    assert.deepEqual(
      pick(dueStep(opsRequest({ phase: 'Progressing', conditions: ready0, annotations: plan(true, pods) }))),
      { step: 'restart-pod', pod: 'rd-1', phase: 'evict' },
    );
    const all = [
      ...ready0,
      trueCondition('EvictPod--rd-1'),
      trueCondition('IsPodReady--rd-1'),
      trueCondition('RestartPods'),
    ];
    assert.equal(
      dueStep(opsRequest({ phase: 'Progressing', conditions: all, annotations: plan(true, pods) })).step,
      'resume',
    );
  });

  it('goes straight to resume when no restart is planned, and to rolling-back after a rollback', () => {
    const updated = [...base, trueCondition('patchedSecret'), trueCondition('UpdatePetSets')];
    assert.equal(
      dueStep(opsRequest({ phase: 'Progressing', conditions: updated, annotations: plan(false, []) })).step,
      'resume',
    );
    assert.equal(
      dueStep(
        opsRequest({
          phase: 'Progressing',
          conditions: [...updated, trueCondition('RolledBack')],
          annotations: plan(true, ['rd-0']),
        }),
      ).step,
      'rolling-back',
    );
  });
});

function pick(due: ReturnType<typeof dueStep>) {
  return due.step === 'restart-pod' ? { step: due.step, pod: due.pod, phase: due.phase } : { step: due.step };
}
