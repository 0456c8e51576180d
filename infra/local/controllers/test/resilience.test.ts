/**
 * The controllers keep working through what real clusters do to clients: watches dropped or answered 410 Gone,
 * failing list/watch/patch calls, and a kubelet restart that finds redis-server processes from its previous life.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  KUBELET_TEST_OPTIONS,
  configGet,
  getRedis,
  putSecret,
  readSecretKey,
  readyPod,
  startLocalCluster,
  waitFor,
  type LocalCluster,
  isProcessAlive,
} from './harness.ts';
import { KUBEDB_GROUP, KUBEDB_VERSION, REDIS_PLURAL } from '../../../../shared/kubedb/constants.ts';
import { startControllers } from '../index.ts';

const NS = 'res';

void describe('controllers: resilience', () => {
  let c: LocalCluster;
  before(async () => {
    c = await startLocalCluster();
    await c.apis.core.createNamespace({ body: { metadata: { name: NS } } });
    await putSecret(c.apis, NS, 'conf', { 'redis.conf': 'maxclients 444\n' });
    const body = {
      apiVersion: 'kubedb.com/v1',
      kind: 'Redis',
      metadata: { name: 'rr', namespace: NS },
      spec: { version: '7.2.4', configuration: { secretName: 'conf' } },
    };
    await c.apis.custom.createNamespacedCustomObject({
      group: KUBEDB_GROUP,
      version: KUBEDB_VERSION,
      namespace: NS,
      plural: REDIS_PLURAL,
      body,
    });
    await waitFor('Ready', async () =>
      (await getRedis(c.apis, NS, 'rr')).status?.phase === 'Ready' ? true : undefined,
    );
  });
  after(async () => {
    const pids = c.controllers.kubelet.pids();
    await c.stop();
    for (const pid of pids) assert.equal(isProcessAlive(pid), false, `redis-server ${pid} survived`);
  });

  void it('recovers a pod after watches were dropped, answered 410, and list/watch/patch calls failed', async () => {
    const before = await readyPod(c.apis, NS, 'rr-0');
    c.api.faults.failNext('list', 3, 503);
    c.api.faults.failNext('watch', 2, 500);
    c.api.faults.forceGone(3);
    c.api.faults.forceGone();
    c.api.faults.dropWatches();
    c.api.faults.failNext('patch', 3, 500);
    await c.apis.core.createNamespacedPodEviction({
      name: 'rr-0',
      namespace: NS,
      body: { metadata: { name: 'rr-0', namespace: NS } },
    });
    const after = await readyPod(c.apis, NS, 'rr-0', before.metadata?.uid);
    const password = (await readSecretKey(c.apis, NS, 'rr-auth', 'password'))!;
    assert.equal(await configGet(after, password, 'maxclients'), '444');
    await waitFor('Redis Ready', async () =>
      (await getRedis(c.apis, NS, 'rr')).status?.phase === 'Ready' ? true : undefined,
    );
  });

  void it('a restarted kubelet kills processes left by its previous run and restarts the pods it finds', async () => {
    const before = await readyPod(c.apis, NS, 'rr-0');
    await c.controllers.stop();
    // A redis-server the previous kubelet "lost" (as after a crash): its pid file sits in the pod root.
    const podRoot = join(c.nodeStateDir, 'pods', NS, 'rr-0');
    await mkdir(podRoot, { recursive: true });
    const stale = spawn('redis-server', ['--port', '0', '--dir', podRoot, '--logfile', join(podRoot, 'stale.log')], {
      stdio: 'ignore',
    });
    const staleExit = new Promise((resolve) => stale.once('exit', resolve));
    await writeFile(join(podRoot, 'redis.pid'), String(stale.pid));
    c.controllers = await startControllers(c.kc, { stateDir: c.nodeStateDir, kubelet: KUBELET_TEST_OPTIONS });
    await staleExit;
    assert.equal(isProcessAlive(stale.pid!), false);
    const after = await waitFor('pod restarted by the new kubelet', async () => {
      const pod = await readyPod(c.apis, NS, 'rr-0');
      const id = pod.status?.containerStatuses?.[0]?.containerID;
      return id && id !== before.status?.containerStatuses?.[0]?.containerID ? pod : undefined;
    });
    assert.equal(after.metadata?.uid, before.metadata?.uid, 'same pod, new container');
    const password = (await readSecretKey(c.apis, NS, 'rr-auth', 'password'))!;
    assert.equal(await configGet(after, password, 'maxclients'), '444');
  });
});
