/**
 * Live apply in Sentinel mode on real redis-server pods and sentinels (KubeDB's Sentinel example): CONFIG SET is
 * per node and never replicated, so every Redis pod is set — replicas first (the canary is one), the primary last —
 * and none restarts; the values are persisted (a pod evicted afterwards comes back with them). `plan -f` says so
 * beforehand.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { applyFile } from '../../infra/local/manifests.ts';
import { configGetOnPod } from '../../infra/local/redis-query.ts';
import { PROJECT_ROOT } from '../../infra/local/serverless-config.ts';
import { waitFor } from '../../infra/local/wait.ts';
import {
  conditionTypes,
  getRedis,
  isPaused,
  reconfigure,
  runOpsRequest,
  startTestStack,
  waitDatabaseReady,
} from './harness.ts';
import { planJson } from './live-apply-plan.ts';

const NS = 'demo';
const DB = 'rd-demo';
const PODS = ['rd-demo-0', 'rd-demo-1', 'rd-demo-2'];

async function podUids(kc: KubeConfig): Promise<Map<string, string>> {
  const pods = await kc
    .makeApiClient(CoreV1Api)
    .listNamespacedPod({ namespace: NS, labelSelector: `app.kubernetes.io/instance=${DB}` });
  return new Map(pods.items.map((p) => [p.metadata?.name ?? '', p.metadata?.uid ?? '']));
}

describe('live apply in Sentinel mode', { timeout: 600_000 }, () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  before(async () => {
    stack = await startTestStack();
    const examples = join(PROJECT_ROOT, 'examples', 'sentinel');
    for (const f of ['00-namespace.yaml', '01-sentinel.yaml', '02-redis.yaml'])
      await applyFile(stack.kubeConfig, join(examples, f));
    await waitDatabaseReady(stack.kubeConfig, NS, DB);
  });
  after(async () => stack?.cleanup());

  const get = (pod: string, param: string) => configGetOnPod(stack.kubeConfig, NS, pod, DB, param);

  it('all-mutable change: Successful, no pod recreated, the values on every Redis pod, still there after an eviction', async () => {
    const kc = stack.kubeConfig;
    const uids = await podUids(kc);
    assert.deepEqual([...uids.keys()].sort(), PODS);
    const request = reconfigure(NS, 'sentinel-live', DB, {
      applyConfig: { 'redis.conf': 'maxmemory-policy allkeys-lru\nhz 20' },
    });
    const plan = await planJson(stack, request);
    assert.equal(plan.path, 'live');
    assert.equal(plan.mode, 'Sentinel');
    assert.deepEqual(
      plan.pods.map((p) => p.role),
      ['replica', 'replica', 'primary'],
    );

    const ops = await runOpsRequest(kc, request, 180_000);
    assert.equal(ops.status?.phase, 'Successful', JSON.stringify(ops.status));
    const types = conditionTypes(ops);
    assert.ok(types.includes('ConfigAppliedLive'), types.join());
    assert.ok(!types.some((t) => t.startsWith('EvictPod--') || t.startsWith('FailoverPrimary--')), types.join());
    assert.match(ops.status?.conditions?.find((c) => c.type === 'ConfigAppliedLive')?.message ?? '', /on 3 pod/);
    assert.deepEqual(await podUids(kc), uids, 'no pod recreated');
    for (const pod of PODS) {
      assert.equal(await get(pod, 'maxmemory-policy'), 'allkeys-lru', pod);
      assert.equal(await get(pod, 'hz'), '20', pod);
    }
    assert.equal(isPaused(await getRedis(kc, NS, DB)), false);

    // Persisted: an evicted replica is recreated from the managed config and runs the same values.
    const evicted = plan.pods[0]?.pod ?? 'rd-demo-1';
    await kc.makeApiClient(CoreV1Api).createNamespacedPodEviction({
      name: evicted,
      namespace: NS,
      body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: evicted, namespace: NS } },
    });
    await waitFor(
      `${evicted} recreated and answering`,
      async () => {
        const now = await podUids(kc);
        if (now.get(evicted) === undefined || now.get(evicted) === uids.get(evicted)) return undefined;
        return (await get(evicted, 'hz').catch(() => undefined)) !== undefined ? true : undefined;
      },
      { timeoutMs: 90_000 },
    );
    assert.equal(await get(evicted, 'maxmemory-policy'), 'allkeys-lru');
    assert.equal(await get(evicted, 'hz'), '20');
  });
});
