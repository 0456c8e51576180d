/**
 * Cluster and Sentinel reconfigures on real processes: every pod ends with the new value, the restart order in the
 * conditions is replicas first and each primary after a failover, roles are healthy afterwards, a bad config is
 * rolled back with the cluster healthy, and a writer never loses an acknowledged write.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { applyFile, applyObjects } from '../../infra/local/manifests.ts';
import { configGetOnPod } from '../../infra/local/redis-query.ts';
import { PROJECT_ROOT } from '../../infra/local/serverless-config.ts';
import { parseClusterNodes } from '../../shared/redis/replies.ts';
import { RedisAdapter } from '../../shared/adapters/redis/redis-adapter.ts';
import { startWriteProbe } from '../../bench/write-probe/index.ts';
import { readPlan } from '../../shared/steps/annotations.ts';
import {
  configSecret,
  conditionTypes,
  getRedis,
  isPaused,
  reconfigure,
  runOpsRequest,
  startTestStack,
  waitDatabaseReady,
} from './harness.ts';

const examples = join(PROJECT_ROOT, 'examples');

async function podIps(
  kc: Awaited<ReturnType<typeof startTestStack>>['kubeConfig'],
  ns: string,
  instance: string,
): Promise<Map<string, string>> {
  const pods = await kc
    .makeApiClient(CoreV1Api)
    .listNamespacedPod({ namespace: ns, labelSelector: `app.kubernetes.io/instance=${instance}` });
  return new Map(pods.items.map((p) => [p.metadata?.name ?? '', p.status?.podIP ?? '']));
}

async function password(
  kc: Awaited<ReturnType<typeof startTestStack>>['kubeConfig'],
  ns: string,
  name: string,
): Promise<string> {
  const s = await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace: ns, name: `${name}-auth` });
  return Buffer.from(s.data?.['password'] ?? '', 'base64').toString();
}

describe('Cluster and Sentinel topologies', { timeout: 600_000 }, () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  before(async () => {
    stack = await startTestStack();
  });
  after(async () => stack?.cleanup());

  it('Cluster (KubeDB example, 3×2): replicas first, masters after CLUSTER FAILOVER, new value everywhere, no lost writes', async () => {
    const kc = stack.kubeConfig;
    for (const f of ['00-namespace.yaml', '01-redis-cluster.yaml']) await applyFile(kc, join(examples, 'cluster', f));
    await waitDatabaseReady(kc, 'demo', 'redis-cluster');
    const ips = await podIps(kc, 'demo', 'redis-cluster');
    const pass = await password(kc, 'demo', 'redis-cluster');
    const anyIp = [...ips.values()][0]!;
    const before = parseClusterNodes(
      await new RedisAdapter().clusterNodes({ host: anyIp, port: 6379, password: pass }),
    );
    const podOf = (ip: string) => [...ips.entries()].find(([, v]) => v === ip)?.[0];
    const mastersBefore = before
      .filter((n) => n.role === 'master')
      .map((n) => podOf(n.ip)!)
      .sort();

    const probe = startWriteProbe({ mode: 'cluster', seeds: [{ host: anyIp, port: 6379 }], password: pass, shards: 3 });
    const ops = await runOpsRequest(
      kc,
      reconfigure('demo', 'cluster-reconfigure', 'redis-cluster', {
        applyConfig: { 'redis.conf': 'maxclients 3000' },
        restart: 'true',
      }),
      300_000,
    );
    const report = await probe.stop();
    assert.equal(ops.status?.phase, 'Successful', JSON.stringify(ops.status?.conditions));

    const evictions = conditionTypes(ops)
      .filter((t) => t.startsWith('EvictPod--'))
      .map((t) => t.slice('EvictPod--'.length));
    assert.equal(evictions.length, 6);
    assert.deepEqual(evictions, readPlan(ops.metadata.annotations)?.pods, 'pods restarted in the planned order');
    assert.deepEqual(evictions.slice(3).sort(), mastersBefore, 'masters restarted last');
    for (const m of mastersBefore)
      assert.ok(conditionTypes(ops).includes(`FailoverPrimary--${m}`), `failover before restarting ${m}`);
    for (const pod of ips.keys()) {
      assert.equal(await configGetOnPod(kc, 'demo', pod, 'redis-cluster', 'maxclients'), '3000', pod);
      // Set to 0 on a primary while its replica restarted (docs/adr/0017): every pod has its own value back.
      assert.equal(await configGetOnPod(kc, 'demo', pod, 'redis-cluster', 'repl-diskless-sync-delay'), '5', pod);
    }
    await waitDatabaseReady(kc, 'demo', 'redis-cluster');
    assert.equal(isPaused(await getRedis(kc, 'demo', 'redis-cluster')), false);
    assert.equal(report.lostAcknowledgedWrites, 0, JSON.stringify(report));
  });

  it('Cluster: a config redis-server refuses is rolled back and the cluster stays healthy', async () => {
    const kc = stack.kubeConfig;
    const ips = await podIps(kc, 'demo', 'redis-cluster');
    const probe = startWriteProbe({
      mode: 'cluster',
      seeds: [{ host: [...ips.values()][0]!, port: 6379 }],
      password: await password(kc, 'demo', 'redis-cluster'),
      shards: 3,
    });
    await probe.waitForWrites(20, 30_000);
    const ops = await runOpsRequest(
      kc,
      reconfigure('demo', 'cluster-bad', 'redis-cluster', {
        applyConfig: { 'redis.conf': 'maxclients 3100\nlocale-collate C' },
        restart: 'true',
      }),
      300_000,
    );
    const report = await probe.stop();
    assert.equal(ops.status?.phase, 'Failed', JSON.stringify(ops.status?.conditions));
    assert.equal(report.lostAcknowledgedWrites, 0, JSON.stringify(report));
    assert.ok(conditionTypes(ops).includes('RolledBack'));
    await waitDatabaseReady(kc, 'demo', 'redis-cluster');
    for (const pod of (await podIps(kc, 'demo', 'redis-cluster')).keys()) {
      assert.equal(await configGetOnPod(kc, 'demo', pod, 'redis-cluster', 'maxclients'), '3000', pod);
      // The failed replica's primary was not restarted: the rollback gave it its own sync delay back.
      assert.equal(await configGetOnPod(kc, 'demo', pod, 'redis-cluster', 'repl-diskless-sync-delay'), '5', pod);
    }
  });

  it('Sentinel (KubeDB example): replicas first, the primary after SENTINEL FAILOVER, one primary agreed afterwards, no lost writes', async () => {
    const kc = stack.kubeConfig;
    for (const f of ['00-namespace.yaml', '01-sentinel.yaml', '02-redis.yaml'])
      await applyFile(kc, join(examples, 'sentinel', f));
    await waitDatabaseReady(kc, 'demo', 'rd-demo');
    const sentinels = [...(await podIps(kc, 'demo', 'sen-demo')).values()].map((host) => ({ host, port: 26379 }));
    const pass = await password(kc, 'demo', 'rd-demo');
    const probe = startWriteProbe({
      mode: 'sentinel',
      sentinels,
      masterName: 'demo/rd-demo',
      password: pass,
      sentinelPassword: await password(kc, 'demo', 'sen-demo'),
    });
    // A client that is not Sentinel-aware keeps writing to the first primary's address: whatever it acknowledges must
    // survive the hand-over too (the old primary may never accept a write once a replica was promoted).
    const primaryIp = (await podIps(kc, 'demo', 'rd-demo')).get('rd-demo-0')!;
    const direct = startWriteProbe({ mode: 'standalone', host: primaryIp, port: 6379, password: pass });
    await probe.waitForWrites(20, 30_000);
    await direct.waitForWrites(20, 30_000);
    // The configSecret flow here (the Cluster test above uses applyConfig): replace the user config wholesale.
    await applyObjects(kc, [configSecret('demo', 'rd-demo-new-config', 'maxclients 3000\n')] as never);
    const ops = await runOpsRequest(
      kc,
      reconfigure('demo', 'sentinel-reconfigure', 'rd-demo', {
        configSecret: { name: 'rd-demo-new-config' },
        restart: 'true',
      }),
      300_000,
    );
    const report = await probe.stop();
    const directReport = await direct.stop({ keepKeys: true }); // rd-demo-0 is a read-only replica by now
    assert.equal(ops.status?.phase, 'Successful', JSON.stringify(ops.status?.conditions));
    assert.equal(report.lostAcknowledgedWrites, 0, JSON.stringify(report));
    assert.equal(directReport.lostAcknowledgedWrites, 0, JSON.stringify(directReport));
    const evictions = conditionTypes(ops)
      .filter((t) => t.startsWith('EvictPod--'))
      .map((t) => t.slice('EvictPod--'.length));
    assert.equal(evictions.length, 3);
    assert.deepEqual(evictions, readPlan(ops.metadata.annotations)?.pods, 'pods restarted in the planned order');
    assert.equal(evictions[2], 'rd-demo-0', 'the primary last');
    assert.equal(conditionTypes(ops).filter((t) => t.startsWith('FailoverPrimary--')).length, 1);
    for (const pod of ['rd-demo-0', 'rd-demo-1', 'rd-demo-2'])
      assert.equal(await configGetOnPod(kc, 'demo', pod, 'rd-demo', 'maxclients'), '3000', pod);
    await waitDatabaseReady(kc, 'demo', 'rd-demo');
  });
});
