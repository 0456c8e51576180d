/**
 * Pure parts of the Cluster / Sentinel support: names and parsers (shared/kubedb/topology.ts, shared/redis/replies.ts, ../names.ts), the cluster
 * formation/repair planner and health verdict (coordinator/), the status mapping, and sticky pod IPs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseClusterNodes, parseInfoReplication, type ClusterNode } from '../../../../shared/redis/replies.ts';
import { petSetNames, podNames, sentinelQuorum, shardSlotRange } from '../names.ts';
import { sentinelMasterName, shardOf } from '../../../../shared/kubedb/topology.ts';
import type { Redis } from '../../../../shared/kubedb/types.ts';
import { planCluster, type PodView } from '../coordinator/cluster-plan.ts';
import { clusterHealth } from '../coordinator/cluster-health.ts';
import { desiredStatus } from '../provisioner/status.ts';
import { PodIpAllocator } from '../kubelet/ip-allocator.ts';

const redis = (spec: Partial<Redis['spec']>): Redis => ({
  apiVersion: 'kubedb.com/v1',
  kind: 'Redis',
  metadata: { name: 'rc', namespace: 'demo' },
  spec: { version: '8.2.2', ...spec },
});

const NODES = `07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004,hostname4 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected
67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002,hostname2 master - 0 1426238316232 2 connected 5461-10922
292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@31003,hostname3 master - 0 1426238318243 3 connected 10923-16383 [16000->-67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1]
6ec23923021cf3ffec47632106199cb7f496ce01 127.0.0.1:30005@31005,hostname5 slave 67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 0 1426238316232 5 connected
824fe116063bc5fcf9f4ffd895bc17aee7731ac3 127.0.0.1:30006@31006,hostname6 slave,fail 292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 0 1426238317741 6 disconnected
e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001,hostname1 myself,master - 0 0 1 connected 0-5460
a1 :0@0 master,noaddr - 1 1 0 disconnected
`;

void describe('topology names and parsers', () => {
  void it('names PetSets and pods per mode; shards from names', () => {
    const cluster = redis({ mode: 'Cluster', cluster: { shards: 3, replicas: 2 } });
    assert.deepEqual(petSetNames(cluster), ['rc-shard0', 'rc-shard1', 'rc-shard2']);
    assert.deepEqual(podNames(cluster).slice(0, 3), ['rc-shard0-0', 'rc-shard0-1', 'rc-shard1-0']);
    assert.deepEqual(podNames(redis({ mode: 'Sentinel' })), ['rc-0', 'rc-1', 'rc-2']);
    assert.deepEqual(podNames(redis({})), ['rc-0']);
    assert.equal(shardOf('rc-shard12-1'), 12);
    assert.equal(shardOf('rc-0'), undefined);
    assert.equal(sentinelMasterName(redis({})), 'demo/rc');
    assert.deepEqual([sentinelQuorum(3), sentinelQuorum(4), sentinelQuorum(5)], [2, 3, 3]);
    assert.deepEqual(
      [shardSlotRange(0, 3), shardSlotRange(2, 3)],
      [
        [0, 5460],
        [10922, 16383],
      ],
    );
  });

  void it('parses CLUSTER NODES (the documented example, plus a noaddr node)', () => {
    const nodes = parseClusterNodes(NODES);
    assert.equal(nodes.length, 7);
    const me = nodes.find((n) => n.flags.includes('myself'))!;
    assert.deepEqual(
      [me.ip, me.port, me.busPort, me.role, me.slots],
      ['127.0.0.1', 30001, 31001, 'master', [[0, 5460]]],
    );
    const m3 = nodes.find((n) => n.nodeId.startsWith('292f'))!;
    assert.deepEqual(m3.slots, [[10923, 16383]], 'migration markers are not slots');
    const failed = nodes.find((n) => n.nodeId.startsWith('824f'))!;
    assert.deepEqual([failed.role, failed.masterId, failed.linkState], ['replica', m3.nodeId, 'disconnected']);
    assert.equal(nodes.find((n) => n.nodeId === 'a1')?.ip, '');
  });

  void it('parses INFO replication for both roles', () => {
    const master = parseInfoReplication(
      '# Replication\r\nrole:master\r\nconnected_slaves:1\r\nslave0:ip=127.10.0.2,port=6379,state=online,offset=42,lag=0\r\nmaster_repl_offset:42\r\n',
    );
    assert.deepEqual(master, {
      role: 'master',
      replicas: [{ ip: '127.10.0.2', port: 6379, state: 'online', offset: 42, lag: 0 }],
      masterReplOffset: 42,
    });
    const replica = parseInfoReplication(
      'role:slave\nmaster_host:127.10.0.1\nmaster_port:6379\nmaster_link_status:down\n',
    );
    assert.deepEqual(
      [replica.role, replica.masterHost, replica.masterPort, replica.masterLinkStatus],
      ['replica', '127.10.0.1', 6379, 'down'],
    );
  });
});

/** A synthetic cluster of 3 shards × 2 pods; `nodesOf` decides what each pod reports. */
function views(nodesOf: (pod: string, ip: string, id: string) => ClusterNode[] | undefined): PodView[] {
  const out: PodView[] = [];
  for (let s = 0; s < 3; s++)
    for (let j = 0; j < 2; j++) {
      const pod = `rc-shard${s}-${j}`;
      const ip = `127.10.0.${s * 2 + j + 1}`;
      const nodes = nodesOf(pod, ip, `id-${pod}`);
      out.push({ pod, shard: s, ordinal: j, ip, ...(nodes ? { nodes, clusterState: 'ok' } : {}) });
    }
  return out;
}
const node = (
  id: string,
  ip: string,
  flags: string[],
  masterId?: string,
  slots: [number, number][] = [],
): ClusterNode => ({
  nodeId: id,
  ip,
  port: 6379,
  busPort: 16379,
  role: flags.includes('master') ? 'master' : 'replica',
  masterId,
  slots,
  linkState: 'connected',
  configEpoch: 0,
  flags,
});
const shape = { shards: 3, replicas: 2 };
/** The formed cluster after shard 0 failed over to its -1 pod. */
function formed(): ClusterNode[] {
  const all: ClusterNode[] = [];
  for (let s = 0; s < 3; s++) {
    const [mj, rj] = s === 0 ? [1, 0] : [0, 1];
    all.push(
      node(`id-rc-shard${s}-${mj}`, `127.10.0.${s * 2 + mj + 1}`, ['master'], undefined, [shardSlotRange(s, 3)]),
    );
    all.push(node(`id-rc-shard${s}-${rj}`, `127.10.0.${s * 2 + rj + 1}`, ['slave'], `id-rc-shard${s}-${mj}`));
  }
  return all;
}
const asSeenBy = (all: ClusterNode[], id: string): ClusterNode[] =>
  all.map((n) => (n.nodeId === id ? { ...n, flags: ['myself', ...n.flags] } : n));

void describe('cluster planner and health', () => {
  void it('fresh: MEETs everyone from shard0-0, then assigns slots to -0 pods and replicates the rest', () => {
    const alone = views((_p, ip, id) => [node(id, ip, ['myself', 'master'])]);
    const round1 = planCluster(alone, shape);
    assert.deepEqual(
      round1.actions.map((a) => a.kind),
      ['meet', 'meet', 'meet', 'meet', 'meet'],
    );
    assert.ok(round1.actions.every((a) => a.on === 'rc-shard0-0'));
    const met = views((_p, ip) =>
      alone.map((v) => node(`id-${v.pod}`, v.ip, v.ip === ip ? ['myself', 'master'] : ['master'])),
    );
    const round2 = planCluster(met, shape);
    assert.deepEqual(round2.actions, [
      { kind: 'addSlots', on: 'rc-shard0-0', ranges: [[0, 5460]] },
      { kind: 'replicate', on: 'rc-shard0-1', masterId: 'id-rc-shard0-0' },
      { kind: 'addSlots', on: 'rc-shard1-0', ranges: [[5461, 10921]] },
      { kind: 'replicate', on: 'rc-shard1-1', masterId: 'id-rc-shard1-0' },
      { kind: 'addSlots', on: 'rc-shard2-0', ranges: [[10922, 16383]] },
      { kind: 'replicate', on: 'rc-shard2-1', masterId: 'id-rc-shard2-0' },
    ]);
  });

  void it('formed after a failover: nothing to do, healthy; roles are not moved back to -0', () => {
    const all = formed();
    const v = views((_p, _ip, id) => asSeenBy(all, id));
    assert.deepEqual(planCluster(v, shape).actions, []);
    assert.equal(clusterHealth(v, shape).state, 'healthy');
  });

  void it('formed: a pod that lost nodes.conf is met again, replicated to its shard master, and its old id forgotten', () => {
    const all = formed().map((n) =>
      n.nodeId === 'id-rc-shard1-1' ? { ...n, ip: '', flags: ['slave', 'noaddr', 'fail'] } : n,
    );
    const lost = views((pod, ip, id) =>
      pod === 'rc-shard1-1' ? [node('new-id', ip, ['myself', 'master'])] : asSeenBy(all, id),
    );
    assert.deepEqual(planCluster(lost, shape).actions, [
      { kind: 'meet', on: 'rc-shard0-0', ip: '127.10.0.4', port: 6379 },
    ]);
    const withNew = [...all, node('new-id', '127.10.0.4', ['master'])];
    const met = views((_pod, _ip, id) => asSeenBy(withNew, id === 'id-rc-shard1-1' ? 'new-id' : id));
    const actions = planCluster(met, shape).actions;
    assert.ok(actions.some((a) => a.kind === 'replicate' && a.on === 'rc-shard1-1' && a.masterId === 'id-rc-shard1-0'));
    assert.ok(actions.some((a) => a.kind === 'forget' && a.nodeId === 'id-rc-shard1-1'));
    assert.ok(!actions.some((a) => a.kind === 'addSlots'));
  });

  void it('health: a shard without replica is degraded (Critical), nothing serving is down', () => {
    const all = formed().filter((n) => n.nodeId !== 'id-rc-shard2-1');
    const v = views((pod, _ip, id) => (pod === 'rc-shard2-1' ? undefined : asSeenBy(all, id)));
    const h = clusterHealth(v, shape);
    assert.equal(h.state, 'degraded');
    assert.match(h.message, /not reachable: rc-shard2-1/);
    const status = desiredStatus(
      [{ type: 'Provisioned', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }],
      { generation: 1, expectedPods: 6, readyPods: 6, problem: undefined, topology: h },
      '2026-01-01T00:00:01Z',
    );
    assert.equal(status.phase, 'Critical');
    const down = views(() => undefined);
    assert.equal(clusterHealth(down, shape).state, 'down');
  });
});

void describe('sticky pod IPs', () => {
  void it('a pod name gets its address back, also from a new allocator reading the state file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ips-'));
    try {
      const stateFile = join(dir, 'pod-ips.json');
      const a = await PodIpAllocator.load({ stateFile });
      const ip0 = await a.allocate('ns/x-0');
      const ip1 = await a.allocate('ns/x-1');
      a.release('ns/x-0');
      const other = await a.allocate('ns/y-0');
      assert.notEqual(other, ip0, 'a remembered address is not handed to another pod');
      assert.equal(await a.allocate('ns/x-0'), ip0);
      assert.deepEqual(JSON.parse(await readFile(stateFile, 'utf8')), {
        'ns/x-0': ip0,
        'ns/x-1': ip1,
        'ns/y-0': other,
      });
      const b = await PodIpAllocator.load({ stateFile });
      assert.equal(await b.allocate('ns/x-1'), ip1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
