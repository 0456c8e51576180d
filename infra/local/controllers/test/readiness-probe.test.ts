/**
 * Readiness is probed for as long as the container runs, not only until its first PONG: a redis-server that hangs
 * without exiting (SIGSTOP here; a long blocking script in real life) turns its pod NotReady after the probe's
 * failureThreshold, the provisioner reports the Redis NotReady, and both come back once the server answers again —
 * without a restart. The provisioner's PetSet gives KubeDB's probe (periodSeconds 10, timeoutSeconds 5, default
 * failureThreshold 3); the kubelet runs it at a fifth of that pace so the test takes seconds.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import {
  getRedis,
  holdsFor,
  isProcessAlive,
  isReady,
  readyPod,
  startLocalCluster,
  waitFor,
  type LocalCluster,
} from './harness.ts';
import { KUBEDB_GROUP, KUBEDB_VERSION, REDIS_PLURAL } from '../../../../shared/kubedb/constants.ts';

const NS = 'probe';
const NAME = 'hangs';
const POD = `${NAME}-0`;

const redisPhase = async (c: LocalCluster): Promise<string | undefined> =>
  (await getRedis(c.apis, NS, NAME)).status?.phase;
const pidOf = (pod: V1Pod): number =>
  Number(/^local:\/\/(\d+)$/.exec(pod.status?.containerStatuses?.[0]?.containerID ?? '')?.[1]);

void describe('kubelet: periodic readiness probe', () => {
  let c: LocalCluster;
  let stoppedPid: number | undefined;
  before(async () => {
    c = await startLocalCluster({ readiness: { probeTimeScale: 0.2 } });
    await c.apis.core.createNamespace({ body: { metadata: { name: NS } } });
    const body = {
      apiVersion: 'kubedb.com/v1',
      kind: 'Redis',
      metadata: { name: NAME, namespace: NS },
      spec: { version: '8.2.2' },
    };
    await c.apis.custom.createNamespacedCustomObject({
      group: KUBEDB_GROUP,
      version: KUBEDB_VERSION,
      namespace: NS,
      plural: REDIS_PLURAL,
      body,
    });
  });
  after(async () => {
    if (stoppedPid !== undefined && isProcessAlive(stoppedPid)) process.kill(stoppedPid, 'SIGCONT'); // a failed assertion must not leave it stopped
    const pids = c.controllers.kubelet.pids();
    await c.stop();
    for (const pid of pids) assert.equal(isProcessAlive(pid), false, `redis-server ${pid} survived`);
  });

  void it('a stopped redis-server turns the pod and the Redis NotReady, and both recover on SIGCONT without a restart', async () => {
    await waitFor('Redis Ready', async () => ((await redisPhase(c)) === 'Ready' ? true : undefined), 30_000);
    const pod = await readyPod(c.apis, NS, POD);
    assert.ok(pod.spec?.containers[0]?.readinessProbe, 'the PetSet template gives a readinessProbe');
    const pid = pidOf(pod);
    assert.ok(isProcessAlive(pid), `container pid ${pid}`);
    // A healthy server stays Ready through several probe periods (2 s each here).
    await holdsFor(
      3000,
      async () => assert.ok(isReady(await c.apis.core.readNamespacedPod({ name: POD, namespace: NS }))),
      250,
    );

    process.kill(pid, 'SIGSTOP');
    stoppedPid = pid;
    const notReady = await waitFor('pod NotReady', async () => {
      const p = await c.apis.core.readNamespacedPod({ name: POD, namespace: NS });
      return isReady(p) ? undefined : p;
    });
    assert.equal(notReady.status?.containerStatuses?.[0]?.ready, false);
    assert.ok(
      'running' in (notReady.status?.containerStatuses?.[0]?.state ?? {}),
      'still running: a readiness failure is no crash',
    );
    await waitFor('Redis NotReady', async () => ((await redisPhase(c)) === 'NotReady' ? true : undefined));

    process.kill(pid, 'SIGCONT');
    stoppedPid = undefined;
    const back = await readyPod(c.apis, NS, POD);
    assert.equal(pidOf(back), pid, 'the same process');
    assert.equal(back.status?.containerStatuses?.[0]?.restartCount, 0);
    await waitFor('Redis Ready again', async () => ((await redisPhase(c)) === 'Ready' ? true : undefined));
  });
});
