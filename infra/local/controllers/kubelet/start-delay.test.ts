/**
 * The kubelet's pod start delay (image pull + container creation): while it lasts the pod is what a real kubelet
 * reports — phase Pending, container waiting ContainerCreating, not started, Ready/ContainersReady False with reason
 * ContainersNotReady, and no process yet — then Running, and Ready only once redis-server answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { KUBEDB_GROUP, KUBEDB_VERSION, REDIS_PLURAL } from '../../../../shared/kubedb/constants.ts';
import { readyPod, startLocalCluster, waitFor, type LocalCluster } from '../test/harness.ts';

const NS = 'slow-node';
const NAME = 'slow';
const POD = `${NAME}-0`;
const DELAY_MS = 5_000;

const conditionOf = (pod: V1Pod, type: string) => pod.status?.conditions?.find((c) => c.type === type);
const seconds = (t: unknown): number => new Date(t as string | Date).getTime() / 1000;

/** What a real kubelet reports while the image is pulled: the sandbox exists, the container does not yet. */
function assertContainerCreating(pod: V1Pod): void {
  assert.equal(pod.status?.phase, 'Pending');
  const container = pod.status?.containerStatuses?.[0];
  assert.equal(container?.started, false);
  assert.equal(container?.ready, false);
  assert.equal(container?.containerID, undefined, 'no container exists yet');
  for (const type of ['Ready', 'ContainersReady']) {
    assert.equal(conditionOf(pod, type)?.status, 'False', type);
    assert.equal(conditionOf(pod, type)?.reason, 'ContainersNotReady', type);
  }
  assert.equal(conditionOf(pod, 'PodScheduled')?.status, 'True');
  assert.ok(pod.status?.podIP, 'the sandbox (and its IP) exists before the image is pulled');
}

void describe('kubelet: --pod-start-delay', () => {
  let c: LocalCluster;
  before(async () => {
    c = await startLocalCluster({ podStartDelayMs: DELAY_MS });
    await c.apis.core.createNamespace({ body: { metadata: { name: NS } } });
    await c.apis.custom.createNamespacedCustomObject({
      group: KUBEDB_GROUP,
      version: KUBEDB_VERSION,
      namespace: NS,
      plural: REDIS_PLURAL,
      body: {
        apiVersion: 'kubedb.com/v1',
        kind: 'Redis',
        metadata: { name: NAME, namespace: NS },
        spec: { version: '8.2.2' },
      },
    });
  });
  after(async () => c?.stop());

  void it('reports Pending / ContainerCreating during the delay, then Running, then Ready once redis answers', async () => {
    const creating = await waitFor(
      `pod ${POD} ContainerCreating`,
      async () => {
        const pod = await c.apis.core.readNamespacedPod({ namespace: NS, name: POD });
        return pod.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ContainerCreating' ? pod : undefined;
      },
      30_000,
    );
    assertContainerCreating(creating);
    assert.deepEqual(c.controllers.kubelet.pids(), [], 'no redis-server runs during the delay');

    const ready = await readyPod(c.apis, NS, POD);
    assert.equal(ready.status?.phase, 'Running');
    const startedAt = ready.status?.containerStatuses?.[0]?.state?.running?.startedAt;
    // Second precision on both sides (metav1.Time): a 5 s delay leaves at least 4 s between them.
    assert.ok(seconds(startedAt) - seconds(ready.status?.startTime) >= DELAY_MS / 1000 - 1, 'started after the delay');
    assert.equal(c.controllers.kubelet.pids().length, 1);
  });
});
