/**
 * The Standalone path end to end on real components: KubeDB's own example YAML goes in, a real redis-server
 * with the user's config comes out, behind a pod IP, and survives eviction.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import {
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
import { KUBEDB_EXAMPLES } from '../../../../test/shared-reference.ts';
import { valkeyServerInstalled } from '../kubelet/server-binary.ts';
import { cmd } from './topology-harness.ts';

const EXAMPLE = `${KUBEDB_EXAMPLES}/reconfigure/sample-redis-config.yaml`;

void describe('controllers: Standalone Redis from the KubeDB example', () => {
  let c: LocalCluster;
  const pids = new Set<number>();
  before(async () => {
    c = await startLocalCluster();
    await c.apis.core.createNamespace({ body: { metadata: { name: 'demo' } } });
    await putSecret(c.apis, 'demo', 'rd-custom-config', { 'redis.conf': 'maxclients 500\n' });
    const redis = YAML.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
    await c.apis.custom.createNamespacedCustomObject({
      group: KUBEDB_GROUP,
      version: KUBEDB_VERSION,
      namespace: 'demo',
      plural: REDIS_PLURAL,
      body: redis,
    });
  });
  after(async () => {
    for (const p of c.controllers.kubelet.pids()) pids.add(p);
    await c.stop();
    for (const pid of pids) assert.equal(isProcessAlive(pid), false, `redis-server ${pid} survived kubelet.stop()`);
  });

  void it('becomes Ready and serves the user config on the pod IP', async () => {
    const redis = await waitFor('Redis Ready', async () => {
      const r = await getRedis(c.apis, 'demo', 'sample-redis');
      return r.status?.phase === 'Ready' ? r : undefined;
    });
    const types = (redis.status?.conditions ?? []).filter((x) => x.status === 'True').map((x) => x.type);
    for (const t of ['ProvisioningStarted', 'Provisioned', 'ReplicaReady', 'AcceptingConnection', 'Ready'])
      assert.ok(types.includes(t), t);
    const pod = await readyPod(c.apis, 'demo', 'sample-redis-0');
    assert.match(pod.status?.podIP ?? '', /^127\.10\./);
    const password = (await readSecretKey(c.apis, 'demo', 'sample-redis-auth', 'password'))!;
    assert.ok(password.length >= 16);
    assert.equal(await configGet(pod, password, 'maxclients'), '500');
    const managed = `sample-redis-${redis.metadata.uid!.slice(-6)}`;
    assert.match((await readSecretKey(c.apis, 'demo', managed, 'default.conf'))!, /maxclients 500/);
    c.controllers.kubelet.pids().forEach((p) => pids.add(p));
  });

  void it('comes back Ready with the same config after an eviction', async () => {
    const before = await readyPod(c.apis, 'demo', 'sample-redis-0');
    await c.apis.core.createNamespacedPodEviction({
      name: 'sample-redis-0',
      namespace: 'demo',
      body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'sample-redis-0', namespace: 'demo' } },
    });
    const after = await readyPod(c.apis, 'demo', 'sample-redis-0', before.metadata?.uid);
    const password = (await readSecretKey(c.apis, 'demo', 'sample-redis-auth', 'password'))!;
    assert.equal(await configGet(after, password, 'maxclients'), '500');
    assert.equal(after.status?.containerStatuses?.[0]?.restartCount, 0);
    await waitFor('Redis Ready again', async () =>
      (await getRedis(c.apis, 'demo', 'sample-redis')).status?.phase === 'Ready' ? true : undefined,
    );
    c.controllers.kubelet.pids().forEach((p) => pids.add(p));
  });

  void it('provisions the quickstart examples, Valkey included (valkey-server, else redis-server and said so)', async () => {
    for (const file of ['demo-v1.yaml', 'demo-valkey-v1.yaml']) {
      const body = YAML.parse(readFileSync(`${KUBEDB_EXAMPLES}/quickstart/${file}`, 'utf8')) as Record<string, unknown>;
      await c.apis.custom.createNamespacedCustomObject({
        group: KUBEDB_GROUP,
        version: KUBEDB_VERSION,
        namespace: 'demo',
        plural: REDIS_PLURAL,
        body,
      });
    }
    for (const name of ['redis-quickstart', 'valkey-quickstart']) {
      await waitFor(`${name} Ready`, async () =>
        (await getRedis(c.apis, 'demo', name)).status?.phase === 'Ready' ? true : undefined,
      );
    }
    const pod = await readyPod(c.apis, 'demo', 'valkey-quickstart-0');
    const mounts = pod.spec?.containers[0]?.volumeMounts?.map((m) => m.mountPath);
    assert.ok(mounts?.includes('/usr/local/etc/valkey/'));
    const password = (await readSecretKey(c.apis, 'demo', 'valkey-quickstart-auth', 'password'))!;
    if (valkeyServerInstalled()) {
      assert.equal(pod.status?.message, undefined);
      assert.match(String(await cmd(pod.status?.podIP ?? '', 6379, password, 'INFO', 'server')), /server_name:valkey/);
    } else assert.match(pod.status?.message ?? '', /valkey-server is not installed/);
    assert.equal(await configGet(pod, password, 'appendonly'), 'yes');
    c.controllers.kubelet.pids().forEach((p) => pids.add(p));
  });
});
