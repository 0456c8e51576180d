/**
 * Valkey (RedisVersion valkey-8.1.1, distribution Valkey) in Cluster and Sentinel mode: the `valkey.conf` inline key
 * and the /usr/local/etc/valkey mount apply as in Standalone; the pods and sentinels run valkey-server (where it is not
 * installed, redis-server stands in and the pod status says so).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SENTINEL_PORT } from '../../../../shared/kubedb/topology.ts';
import { configGet, readyPod, startLocalCluster, readSecretKey, type LocalCluster } from './harness.ts';
import { applyObject, cmd, ipOf, waitPhase } from './topology-harness.ts';
import { valkeyServerInstalled } from '../kubelet/server-binary.ts';

const NS = 'vk';
const meta = (name: string) => ({ name, namespace: NS });

void describe('controllers: Valkey in Cluster and Sentinel mode', () => {
  let c: LocalCluster;
  before(async () => {
    c = await startLocalCluster();
    await c.apis.core.createNamespace({ body: { metadata: { name: NS } } });
    const inline = { inline: { 'valkey.conf': 'maxclients 777\n' } };
    await applyObject(c.apis, {
      apiVersion: 'kubedb.com/v1',
      kind: 'Redis',
      metadata: meta('vk-cluster'),
      spec: { version: 'valkey-8.1.1', mode: 'Cluster', cluster: { shards: 3, replicas: 2 }, configuration: inline },
    });
    await applyObject(c.apis, {
      apiVersion: 'kubedb.com/v1',
      kind: 'RedisSentinel',
      metadata: meta('vk-sen'),
      spec: { version: 'valkey-8.1.1', replicas: 3 },
    });
    await applyObject(c.apis, {
      apiVersion: 'kubedb.com/v1',
      kind: 'Redis',
      metadata: meta('vk-rd'),
      spec: {
        version: 'valkey-8.1.1',
        mode: 'Sentinel',
        replicas: 2,
        sentinelRef: { name: 'vk-sen' },
        configuration: inline,
      },
    });
  });
  after(async () => {
    await c.stop();
  });

  for (const [name, pod] of [
    ['vk-cluster', 'vk-cluster-shard2-1'],
    ['vk-rd', 'vk-rd-1'],
  ] as const) {
    void it(`${name} becomes Ready with the valkey.conf config on the valkey mount`, async () => {
      await waitPhase(c.apis, NS, name, 'Ready');
      const p = await readyPod(c.apis, NS, pod);
      assert.ok(p.spec?.containers[0]?.volumeMounts?.some((m) => m.mountPath === '/usr/local/etc/valkey/'));
      const password = (await readSecretKey(c.apis, NS, `${name}-auth`, 'password'))!;
      if (valkeyServerInstalled()) {
        assert.equal(p.status?.message, undefined);
        assert.match(String(await cmd(p.status?.podIP ?? '', 6379, password, 'INFO', 'server')), /server_name:valkey/);
      } else assert.match(p.status?.message ?? '', /valkey-server is not installed/);
      assert.equal(await configGet(p, password, 'maxclients'), '777');
    });
  }

  void it('the Valkey sentinels monitor the Valkey primary', async () => {
    const pw = (await readSecretKey(c.apis, NS, 'vk-sen-auth', 'password'))!;
    const reply = (await cmd(
      await ipOf(c.apis, NS, 'vk-sen-1'),
      SENTINEL_PORT,
      pw,
      'SENTINEL',
      'get-master-addr-by-name',
      `${NS}/vk-rd`,
    )) as string[];
    assert.equal(reply[0], await ipOf(c.apis, NS, 'vk-rd-0'));
    if (valkeyServerInstalled()) {
      const info = String(await cmd(await ipOf(c.apis, NS, 'vk-sen-1'), SENTINEL_PORT, pw, 'INFO', 'server'));
      assert.match(info, /server_name:valkey/);
    }
  });
});
