/**
 * Cluster mode end to end on real redis-server processes: KubeDB's clustering example becomes a formed Redis
 * Cluster (3 shards × 2 pods), and survives the eviction of a replica and of a former master (after a manual
 * CLUSTER FAILOVER): restarted pods keep their node id and address, roles stay where the failover put them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { CLUSTER_SLOTS, isFailedNode, slotCount } from '../../../../shared/redis/replies.ts';
import { PETSET_NAME_LABEL, SHARD_LABEL, podNames } from '../names.ts';
import { startControllers } from '../index.ts';
import {
  KUBELET_TEST_OPTIONS,
  getRedis,
  readSecretKey,
  startLocalCluster,
  waitFor,
  type LocalCluster,
} from './harness.ts';
import { applyObject, clusterNodes, cmd, evict, ipOf, replaced, replication, waitPhase } from './topology-harness.ts';
import { KUBEDB_EXAMPLES } from '../../../../test/shared-reference.ts';

const EXAMPLE = `${KUBEDB_EXAMPLES}/clustering/demo-1.yaml`;
const NS = 'demo';
const NAME = 'redis-cluster';

void describe('controllers: Redis Cluster from the KubeDB example', () => {
  let c: LocalCluster;
  let password = '';
  const ips = new Map<string, string>();
  const podByIp = (ip: string): string => [...ips].find(([, v]) => v === ip)?.[0] ?? `?${ip}`;
  /** Every node seen from `ip` is live and connected, and there are exactly the 6 of them. */
  const healed = (ip: string): Promise<true> =>
    waitFor(
      'cluster view healed',
      async () => {
        const nodes = await clusterNodes(ip, password);
        return nodes.length === 6 && nodes.every((n) => !isFailedNode(n) && n.linkState === 'connected')
          ? true
          : undefined;
      },
      30_000,
      100,
    );

  before(async () => {
    c = await startLocalCluster();
    await c.apis.core.createNamespace({ body: { metadata: { name: NS } } });
    await applyObject(c.apis, YAML.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>);
  });
  after(async () => {
    await c.stop();
  });

  void it('forms the cluster: all slots covered, one master and one replica per shard, Ready', async () => {
    await waitPhase(c.apis, NS, NAME, 'Ready');
    password = (await readSecretKey(c.apis, NS, `${NAME}-auth`, 'password'))!;
    const redis = await getRedis(c.apis, NS, NAME);
    const names = podNames(redis);
    assert.equal(names.length, 6);
    for (const name of names) {
      const pod = await c.apis.core.readNamespacedPod({ name, namespace: NS });
      ips.set(name, pod.status?.podIP ?? '');
      assert.equal(pod.metadata?.labels?.[SHARD_LABEL], name.match(/shard(\d)/)![1]);
      assert.equal(pod.metadata?.labels?.[PETSET_NAME_LABEL], name.replace(/-\d+$/, ''));
    }
    const nodes = await clusterNodes(ips.get(names[0]!)!, password);
    const masters = nodes.filter((n) => n.role === 'master' && n.slots.length > 0);
    assert.equal(masters.length, 3);
    assert.equal(
      masters.reduce((s, n) => s + slotCount(n), 0),
      CLUSTER_SLOTS,
    );
    for (const m of masters) {
      const replicas = nodes.filter((n) => n.masterId === m.nodeId);
      assert.equal(replicas.length, 1);
      // formation puts each shard's replica under its own shard's master
      assert.equal(podByIp(replicas[0]!.ip).replace(/-\d+$/, ''), podByIp(m.ip).replace(/-\d+$/, ''));
    }
    const conf = String(await cmd(ips.get(names[0]!)!, 6379, password, 'CONFIG', 'GET', 'cluster-enabled'));
    assert.match(conf, /yes/);
  });

  void it('an evicted replica comes back with its node id and address and re-attaches', async () => {
    const pod = `${NAME}-shard1-1`;
    const ip = ips.get(pod)!;
    const id = String(await cmd(ip, 6379, password, 'CLUSTER', 'MYID'));
    const uid = await evict(c.apis, NS, pod);
    await replaced(c.apis, NS, pod, uid);
    assert.equal(await ipOf(c.apis, NS, pod), ip, 'sticky pod IP');
    assert.equal(String(await cmd(ip, 6379, password, 'CLUSTER', 'MYID')), id, 'node id kept via nodes.conf');
    await waitFor(
      'replica link up',
      async () => ((await replication(ip, password)).masterLinkStatus === 'up' ? true : undefined),
      30_000,
      100,
    );
    await healed(ips.get(`${NAME}-shard0-0`)!);
    await waitPhase(c.apis, NS, NAME, 'Ready');
  });

  void it('after a manual CLUSTER FAILOVER, the evicted former master rejoins as a replica; nothing moves roles back', async () => {
    const oldMaster = `${NAME}-shard0-0`;
    const replica = `${NAME}-shard0-1`;
    const mIp = ips.get(oldMaster)!;
    const rIp = ips.get(replica)!;
    assert.equal((await replication(mIp, password)).role, 'master');
    await cmd(rIp, 6379, password, 'CLUSTER', 'FAILOVER');
    await waitFor(
      'failover done',
      async () =>
        (await replication(rIp, password)).role === 'master' && (await replication(mIp, password)).role === 'replica'
          ? true
          : undefined,
      30_000,
      100,
    );
    const id = String(await cmd(mIp, 6379, password, 'CLUSTER', 'MYID'));
    const uid = await evict(c.apis, NS, oldMaster);
    await replaced(c.apis, NS, oldMaster, uid);
    assert.equal(await ipOf(c.apis, NS, oldMaster), mIp);
    assert.equal(String(await cmd(mIp, 6379, password, 'CLUSTER', 'MYID')), id);
    await waitFor(
      'former master re-attached',
      async () => ((await replication(mIp, password)).masterLinkStatus === 'up' ? true : undefined),
      30_000,
      100,
    );
    await healed(rIp);
    await waitPhase(c.apis, NS, NAME, 'Ready');
    const info = await replication(mIp, password);
    assert.equal(info.role, 'replica', 'roles are not tied to ordinals');
    assert.equal(info.masterHost, rIp);
    assert.equal((await clusterNodes(rIp, password)).find((n) => n.ip === rIp)?.role, 'master');
  });

  void it('a restarted kubelet brings every pod back on its persisted address; the cluster re-forms itself from nodes.conf', async () => {
    const ids = new Map<string, string>();
    for (const [pod, ip] of ips) ids.set(pod, String(await cmd(ip, 6379, password, 'CLUSTER', 'MYID')));
    await c.controllers.stop(); // kills every redis-server of the node
    c.controllers = await startControllers(c.kc, { stateDir: c.nodeStateDir, kubelet: KUBELET_TEST_OPTIONS });
    await waitFor(
      'all pods answer again',
      async () => {
        for (const [pod, ip] of ips)
          if ((await ipOf(c.apis, NS, pod)) !== ip || !(await cmd(ip, 6379, password, 'PING').catch(() => undefined)))
            return undefined;
        return true;
      },
      60_000,
      200,
    );
    for (const [pod, ip] of ips) assert.equal(String(await cmd(ip, 6379, password, 'CLUSTER', 'MYID')), ids.get(pod));
    await healed(ips.get(`${NAME}-shard0-1`)!);
    await waitPhase(c.apis, NS, NAME, 'Ready');
    assert.equal(
      (await replication(ips.get(`${NAME}-shard0-1`)!, password)).role,
      'master',
      'the failover outcome survives the restart',
    );
  });
});
