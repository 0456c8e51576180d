/**
 * restart-pod's evict phase through the typed in-memory ports (no I/O), at the Eviction API's answers: a
 * PodDisruptionBudget refusing (429: the record is retried, the pod's uid already recorded), the pod already gone
 * (404: nothing to evict, the check chain starts), a pod evicted (DisruptionTarget, Terminating), and a redelivered
 * evict after the replacement came up (never evicted). Prepare / act / assess.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnavailableError } from '../../errors.ts';
import { evictedAnnotation, PLAN_ANNOTATION } from '../annotations.ts';
import { testWorld } from '../../../test/support/fake-ports.ts';
import { stepData } from '../../../test/support/messages.ts';
import { opsRequest, restartPlan, trueCondition } from '../../../test/support/objects.ts';
import { pausedConditions, POD, seedSampleDatabase } from '../../../test/support/sample-database.ts';
import { runRestartPod } from './restart-pod-step.ts';

const plan = restartPlan([POD]);

function world() {
  const w = testWorld(); // no Redis scripted: evicting a Standalone pod talks to no pod
  const ops = opsRequest({
    phase: 'Progressing',
    annotations: { [PLAN_ANNOTATION]: JSON.stringify(plan) },
    conditions: [...pausedConditions(), trueCondition('patchedSecret'), trueCondition('UpdatePetSets')],
  });
  const db = seedSampleDatabase(w.kube, ops);
  const current = () => w.kube.opsRequest(db.namespace, db.ops.metadata.name);
  const evictCondition = () => current().status?.conditions?.find((c) => c.type === `EvictPod--${POD}`);
  const message = stepData('restart-pod', db.ops, { pod: POD, phase: 'evict' });
  return { ...w, db, current, evictCondition, message, podKey: `${db.namespace}/${POD}` };
}

void describe('restart-pod: evict', () => {
  void it('evicts the pod (DisruptionTarget, Terminating), records it, and starts the check chain', async () => {
    const w = world();
    await runRestartPod(w.message, w.deps);
    const pod = w.kube.pods.get(w.podKey);
    assert.equal(pod?.view.deleting, true);
    assert.deepEqual(
      pod?.conditions.map((c) => c.type),
      ['DisruptionTarget'],
    );
    assert.equal(w.current().metadata.annotations?.[evictedAnnotation(POD)], 'pod-uid-1');
    assert.equal(w.evictCondition()?.status, 'True');
    assert.deepEqual(
      w.queue.sent.map((s) => [s.step, s.data.pod, s.data.phase, s.delaySeconds]),
      // The first check waits for a wake-up, with the safety net (testWorld: 1 s) behind it.
      [['restart-pod', POD, 'check', w.deps.settings.safetyNetSeconds]],
    );
  });

  void it('a PodDisruptionBudget refusal (429) fails the record for SQS to retry; the retry evicts once allowed', async () => {
    const w = world();
    w.kube.pdbRefuses.add(POD);
    await assert.rejects(runRestartPod(w.message, w.deps), UnavailableError);
    assert.equal(w.kube.pods.get(w.podKey)?.view.deleting, false);
    assert.equal(w.current().metadata.annotations?.[evictedAnnotation(POD)], 'pod-uid-1', 'the uid is recorded first');
    assert.equal(w.evictCondition(), undefined, 'no EvictPod condition before the eviction happened');
    assert.equal(w.queue.sent.length, 0);

    w.kube.pdbRefuses.delete(POD); // the budget allows a disruption again; SQS redelivers the same message
    await runRestartPod(w.message, w.deps);
    assert.equal(w.kube.pods.get(w.podKey)?.view.deleting, true);
    assert.equal(w.evictCondition()?.status, 'True');
    assert.deepEqual(
      w.queue.sent.map((s) => s.data.phase),
      ['check'],
    );
  });

  void it('a pod already gone (404) is not evicted; the run goes on to check its replacement', async () => {
    const w = world();
    w.kube.pods.delete(w.podKey);
    await runRestartPod(w.message, w.deps);
    assert.ok(!w.kube.writes.some((x) => x.startsWith('evictPod')));
    assert.equal(w.current().metadata.annotations?.[evictedAnnotation(POD)], 'absent');
    assert.equal(w.evictCondition()?.status, 'True');
    assert.deepEqual(
      w.queue.sent.map((s) => s.data.phase),
      ['check'],
    );
  });

  void it('a redelivered evict after the replacement came up never evicts the replacement', async () => {
    const w = world();
    w.kube.pdbRefuses.add(POD);
    await assert.rejects(runRestartPod(w.message, w.deps), UnavailableError); // uid recorded, eviction refused
    w.kube.pdbRefuses.delete(POD);
    w.kube.replacePod(w.db.namespace, POD, { uid: 'pod-uid-2', ready: true, podIP: '10.0.0.11' });
    await runRestartPod(w.message, w.deps);
    assert.equal(w.kube.pods.get(w.podKey)?.view.deleting, false, 'pod-uid-2 is left alone');
    assert.ok(!w.kube.writes.some((x) => x.startsWith('evictPod')));
    assert.equal(w.evictCondition()?.status, 'True');
  });
});
