/**
 * The forwarder's wake-ups against the local Kubernetes API (HTTPS) and the SQS emulator: an ops request checking a
 * restarted pod gets one restart-pod message (flagged `wake`) when the pod's new incarnation turns Ready — through
 * the pods watch (KubeDB's labels) — and none for a write that changes nothing it waits for.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { OPS_GROUP, OPS_PLURAL, OPS_VERSION } from '../../shared/kubedb/constants.ts';
import { evictedAnnotation, PLAN_ANNOTATION, type RestartPlan } from '../../shared/steps/annotations.ts';
import {
  createQueue,
  drainQueue,
  forwarderConfig,
  runForwarder,
  startKube,
  startSqs,
  waitFor,
  type Kube,
  type Sqs,
} from './harness.ts';

const plan: RestartPlan = {
  version: 1,
  restart: true,
  restartReason: 'the effective configuration changed: maxclients',
  pods: ['rd-0'],
  expected: [{ parameter: 'maxclients', expected: '3000' }],
  previous: [{ parameter: 'maxclients', expected: '500' }],
  configHash: 'h',
};
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const labels = {
  'app.kubernetes.io/name': 'redises.kubedb.com',
  'app.kubernetes.io/instance': 'rd',
  'app.kubernetes.io/managed-by': 'kubedb.com',
};

describe('forwarder: wake-ups', () => {
  let kube: Kube;
  let sqs: Sqs;
  before(async () => {
    kube = await startKube();
    sqs = await startSqs();
  });
  after(async () => {
    await sqs?.stop();
    await kube?.stop();
  });

  it('wakes restart-pod once when the awaited pod turns Ready; not for an unrelated write', async (t) => {
    const haltUrl = await createQueue(sqs, 'halt-wake');
    const restartUrl = await createQueue(sqs, 'restart-pod-wake');
    const core = kube.kc.makeApiClient(CoreV1Api);
    const pod = await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'rd-0', labels },
        spec: { containers: [{ name: 'redis', image: 'redis:8.2.2' }] },
      },
    });
    const ref = { group: OPS_GROUP, version: OPS_VERSION, plural: OPS_PLURAL, namespace: 'default' };
    await kube.api.createNamespacedCustomObject({
      ...ref,
      body: {
        apiVersion: `${OPS_GROUP}/${OPS_VERSION}`,
        kind: 'RedisOpsRequest',
        metadata: {
          name: 'rdops-wake',
          annotations: { [PLAN_ANNOTATION]: JSON.stringify(plan), [evictedAnnotation('rd-0')]: 'the-evicted-uid' },
        },
        spec: { type: 'Reconfigure', databaseRef: { name: 'rd' }, configuration: { restart: 'true' } },
      },
    });
    const at = '2026-01-01T00:00:00Z';
    const conditions = ['Reconfigure', 'DatabasePauseSucceeded', 'UpdatePetSets', 'EvictPod--rd-0'].map((type) => ({
      type,
      status: 'True',
      lastTransitionTime: at,
    }));
    await kube.api.patchNamespacedCustomObjectStatus(
      { ...ref, name: 'rdops-wake', body: { status: { phase: 'Progressing', conditions } } },
      mergePatch,
    );
    const forwarder = runForwarder(
      kube,
      sqs,
      forwarderConfig(haltUrl, { restartPodQueueUrl: restartUrl, recoverQueueUrl: haltUrl }),
    );
    t.after(() => forwarder.stop());
    await forwarder.ready;
    assert.deepEqual(await drainQueue(sqs, restartUrl), [], 'the new pod is not Ready yet: nothing to wake');

    const ready = { status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at }] } };
    await core.patchNamespacedPodStatus({ namespace: 'default', name: 'rd-0', body: ready }, mergePatch);
    await waitFor('a wake-up sent', () => forwarder.stats().wakeUps >= 1);
    await core.patchNamespacedPod(
      { namespace: 'default', name: 'rd-0', body: { metadata: { annotations: { unrelated: 'x' } } } },
      mergePatch,
    );
    await core.patchNamespacedPodStatus({ namespace: 'default', name: 'rd-0', body: ready }, mergePatch);
    // Something later that the forwarder surely saw after those writes: another pod of another database.
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'other-0', labels: { ...labels, 'app.kubernetes.io/instance': 'other' } },
        spec: { containers: [{ name: 'redis', image: 'redis:8.2.2' }] },
      },
    });
    await waitFor('the sends flushed', () => forwarder.stats().messagesSent >= 2);
    const woken = await drainQueue(sqs, restartUrl);
    assert.equal(woken.length, 1, JSON.stringify(woken.map((m) => m.data)));
    assert.equal(forwarder.stats().wakeUps, 1);
    assert.deepEqual(
      [woken[0]?.data.step, woken[0]?.data.pod, woken[0]?.data.phase, woken[0]?.data.wake, woken[0]?.data.attempt],
      ['restart-pod', 'rd-0', 'check', true, 0],
    );
    assert.equal(woken[0]?.data.opsRequest.name, 'rdops-wake');
    assert.ok(pod.metadata?.uid !== 'the-evicted-uid');
  });
});
