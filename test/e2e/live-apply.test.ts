/**
 * Live apply on real redis-server pods (docs/adr/0011-live-apply.md): with restart "auto" and only runtime-mutable
 * directives changed, CONFIG SET reaches every pod and nothing restarts; the values survive a later restart
 * (persisted); an engine refusal at the canary persists nothing; a restart-only change rolls; restart "false" with a
 * restart-only change applies what it can and says, on the ops request and the Redis, what is pending where, and a
 * later restart "true" clears it. Before each, `redis-reconfigure plan -f` of the same request says what will happen
 * (and the step's UpdatePetSets condition records the same one-line plan); an invalid request fails in plan with the
 * very message the ops request gets.
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
  createDatabase,
  getRedis,
  isPaused,
  podUid,
  reconfigure,
  runOpsRequest,
  startTestStack,
  waitDatabaseReady,
} from './harness.ts';
import { planCli, planFailure, planJson } from './live-apply-plan.ts';
import { valkeyServerInstalled } from '../../infra/local/controllers/kubelet/server-binary.ts';

async function podUids(kc: KubeConfig, ns: string, instance: string): Promise<Map<string, string>> {
  const pods = await kc
    .makeApiClient(CoreV1Api)
    .listNamespacedPod({ namespace: ns, labelSelector: `app.kubernetes.io/instance=${instance}` });
  return new Map(pods.items.map((p) => [p.metadata?.name ?? '', p.metadata?.uid ?? '']));
}

const conditionMessage = (ops: { status?: { conditions?: Array<{ type: string; message?: string }> } }, type: string) =>
  ops.status?.conditions?.find((c) => c.type === type)?.message ?? '';

describe('live apply: zero-restart reconfigure', { timeout: 900_000 }, () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  const ns = 'live';
  const db = 'rd';
  before(async () => {
    stack = await startTestStack();
    await createDatabase(stack.kubeConfig, ns, db, 'maxclients 500\n');
    await waitDatabaseReady(stack.kubeConfig, ns, db);
  });
  after(async () => stack?.cleanup());

  const get = (param: string, pod = `${db}-0`) => configGetOnPod(stack.kubeConfig, ns, pod, db, param);

  it('all-mutable change: Successful, the pod not restarted, the values live and still there after a restart', async () => {
    const kc = stack.kubeConfig;
    const uid = await podUid(kc, ns, `${db}-0`);
    const request = reconfigure(ns, 'live-ok', db, {
      applyConfig: { 'redis.conf': 'maxmemory-policy allkeys-lru\nhz 20' },
    });
    const plan = await planJson(stack, request);
    assert.equal(plan.path, 'live');
    assert.equal(plan.line, 'Redis 8.2');
    assert.deepEqual(
      plan.changes.map((c) => [c.directive, c.after, c.mutability]),
      [
        ['hz', '20', 'mutable'],
        ['maxmemory-policy', 'allkeys-lru', 'mutable'],
      ],
    );
    assert.deepEqual(
      plan.pods.map((p) => p.pod),
      [`${db}-0`],
    );
    assert.equal(await get('hz'), '10', 'plan changed nothing');
    const ops = await runOpsRequest(kc, request);
    assert.equal(ops.status?.phase, 'Successful', JSON.stringify(ops.status));
    assert.equal(conditionMessage(ops, 'UpdatePetSets'), `reconfiguring redis; ${plan.summary}`);
    const types = conditionTypes(ops);
    assert.ok(types.includes('ConfigAppliedLive'), types.join());
    assert.ok(!types.some((t) => t.startsWith('EvictPod--')), types.join());
    assert.match(conditionMessage(ops, 'ConfigAppliedLive'), /CONFIG SET on 1 pod.*hz, maxmemory-policy/);
    assert.equal(await podUid(kc, ns, `${db}-0`), uid, 'the pod was not restarted');
    assert.equal(await get('maxmemory-policy'), 'allkeys-lru');
    assert.equal(await get('hz'), '20');
    assert.equal(isPaused(await getRedis(kc, ns, db)), false);

    // Persisted: a restarted pod starts with the same values.
    await kc.makeApiClient(CoreV1Api).deleteNamespacedPod({ namespace: ns, name: `${db}-0` });
    await waitFor('the pod recreated', async () => ((await podUid(kc, ns, `${db}-0`)) !== uid ? true : undefined), {
      timeoutMs: 60_000,
    });
    await waitDatabaseReady(kc, ns, db);
    await waitFor('the recreated pod answers', async () => ((await get('hz')) !== undefined ? true : undefined), {
      timeoutMs: 60_000,
    });
    assert.equal(await get('maxmemory-policy'), 'allkeys-lru');
    assert.equal(await get('hz'), '20');
  });

  it('a value the engine refuses at the canary: Failed quoting it, nothing persisted, old values, not Paused', async () => {
    const kc = stack.kubeConfig;
    const before = await getRedis(kc, ns, db);
    const uid = await podUid(kc, ns, `${db}-0`);
    // Debian's redis-server is built without jemalloc's defrag support: CONFIG SET activedefrag yes is refused.
    const ops = await runOpsRequest(
      kc,
      reconfigure(ns, 'live-refused', db, { applyConfig: { 'redis.conf': 'activedefrag yes\nhz 30' } }),
    );
    assert.equal(ops.status?.phase, 'Failed', JSON.stringify(ops.status));
    const failed = ops.status?.conditions?.find((c) => c.type === 'Failed');
    assert.equal(failed?.reason, 'ConfigRefusedByEngine');
    assert.match(failed?.message ?? '', /canary.*refused it: .*(defrag|DEFRAG)/);
    assert.match(failed?.message ?? '', /nothing was persisted/);
    const after = await getRedis(kc, ns, db);
    assert.deepEqual(after.spec.configuration, before.spec.configuration, 'spec.configuration unchanged');
    assert.equal(await get('activedefrag'), 'no');
    assert.equal(await get('hz'), '20', 'the canary keeps its previous values');
    assert.equal(await podUid(kc, ns, `${db}-0`), uid);
    assert.equal(isPaused(after), false);
  });

  it('a restart-only directive in the change: rolling restart as before', async () => {
    const kc = stack.kubeConfig;
    const uid = await podUid(kc, ns, `${db}-0`);
    const request = reconfigure(ns, 'mixed', db, {
      applyConfig: { 'redis.conf': 'maxmemory-policy volatile-lru\ndatabases 32' },
    });
    const plan = await planJson(stack, request);
    assert.equal(plan.path, 'rolling');
    assert.equal(plan.why, 'restart-only on Redis 8.2: databases');
    assert.deepEqual(
      plan.changes.map((c) => [c.directive, c.mutability, c.reason]),
      [
        ['databases', 'restart-only', 'IMMUTABLE_CONFIG in Redis 8.2'],
        ['maxmemory-policy', 'mutable', undefined],
      ],
    );
    assert.match(plan.pods[0]?.action ?? '', /^evict/);
    const ops = await runOpsRequest(kc, request);
    assert.equal(conditionMessage(ops, 'UpdatePetSets'), `reconfiguring redis; ${plan.summary}`);
    assert.equal(ops.status?.phase, 'Successful', JSON.stringify(ops.status));
    assert.ok(conditionTypes(ops).includes(`EvictPod--${db}-0`));
    assert.ok(!conditionTypes(ops).includes('ConfigAppliedLive'));
    assert.notEqual(await podUid(kc, ns, `${db}-0`), uid);
    assert.equal(await get('databases'), '32');
    assert.equal(await get('maxmemory-policy'), 'volatile-lru');
  });

  it('restart "false" with a restart-only directive: mutable ones live, the rest visibly pending', async () => {
    const kc = stack.kubeConfig;
    const uid = await podUid(kc, ns, `${db}-0`);
    const request = reconfigure(ns, 'pending', db, {
      applyConfig: { 'redis.conf': 'databases 20\nhz 15' },
      restart: 'false',
    });
    const plan = await planJson(stack, request);
    assert.equal(plan.path, 'live-with-pending');
    assert.deepEqual(plan.pending, { directives: ['databases'], pods: [`${db}-0`] });
    const text = await planCli(stack, request);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /Pending restart: databases persisted, not in effect on rd-0 until each pod's next restart/);
    const ops = await runOpsRequest(kc, request);
    assert.equal(ops.status?.phase, 'Successful', JSON.stringify(ops.status));
    assert.match(conditionMessage(ops, 'RestartPending'), new RegExp(`databases.*pods ${db}-0`));
    assert.equal(await podUid(kc, ns, `${db}-0`), uid);
    assert.equal(await get('hz'), '15');
    assert.equal(await get('databases'), '32', 'databases takes effect only at the next restart');
    const redis = await getRedis(kc, ns, db);
    const pending = redis.status?.conditions?.find((c) => c.type === 'RestartPending');
    assert.equal(pending?.status, 'True');
    assert.match(pending?.message ?? '', /databases/);
  });

  it('a later restart "true" run restarts every pod and clears the Redis\'s RestartPending', async () => {
    const kc = stack.kubeConfig;
    const uid = await podUid(kc, ns, `${db}-0`);
    const request = reconfigure(ns, 'roll-all', db, { applyConfig: { 'redis.conf': 'hz 16' }, restart: 'true' });
    assert.equal((await planJson(stack, request)).why, 'restart: "true" was requested');
    const ops = await runOpsRequest(kc, request);
    assert.equal(ops.status?.phase, 'Successful', JSON.stringify(ops.status));
    assert.notEqual(await podUid(kc, ns, `${db}-0`), uid);
    assert.equal(await get('databases'), '20', 'the pending directive is in effect after the restart');
    const pending = (await getRedis(kc, ns, db)).status?.conditions?.find((c) => c.type === 'RestartPending');
    assert.equal(pending?.status, 'False');
    assert.equal(pending?.reason, 'RestartedAllPods');
    assert.match(pending?.message ?? '', /roll-all/);
  });

  it('an invalid request: plan exits 1 with the message the ops request then fails with', async () => {
    const kc = stack.kubeConfig;
    const request = reconfigure(ns, 'invalid', db, { applyConfig: { 'redis.conf': 'maxmemory-policy sometimes' } });
    const planned = await planCli(stack, request, '-o', 'json');
    assert.equal(planned.code, 1);
    const failure = planFailure(planned);
    assert.equal(failure.reason, 'InvalidConfiguration');
    assert.match(planned.err, /^error: the ops request would end Failed \(InvalidConfiguration\): .*maxmemory-policy/);
    const ops = await runOpsRequest(kc, request);
    assert.equal(ops.status?.phase, 'Failed');
    const failed = ops.status?.conditions?.find((c) => c.type === 'Failed');
    assert.equal(failed?.reason, failure.reason);
    assert.equal(failed?.message, failure.message);
  });

  it(
    'Valkey (real valkey-server): judged by the Valkey 8.0 table, a Valkey-only directive applied live',
    { skip: valkeyServerInstalled() ? false : 'valkey-server is not installed (redis-server stands in)' },
    async () => {
      const kc = stack.kubeConfig;
      await createDatabase(kc, 'vk', 'vk', undefined, { version: 'valkey-8.0.3' });
      await waitDatabaseReady(kc, 'vk', 'vk');
      const uid = await podUid(kc, 'vk', 'vk-0');
      // availability-zone exists in Valkey 8.0 only: redis-server would refuse it, and the Redis table too.
      const conf = 'availability-zone zone-a\nmaxmemory-policy allkeys-lru';
      const request = reconfigure('vk', 'vk-live', 'vk', { applyConfig: { 'valkey.conf': conf } });
      const plan = await planJson(stack, request);
      assert.equal(plan.line, 'Valkey 8.0');
      assert.equal(plan.path, 'live');
      const onRedis = await planCli(stack, reconfigure(ns, 'vk-on-redis', db, { applyConfig: { 'redis.conf': conf } }));
      assert.equal(onRedis.code, 1);
      assert.match(
        onRedis.err,
        /"availability-zone zone-a": unknown directive \(not a Redis 8\.2 configuration directive\)/,
      );
      const ops = await runOpsRequest(kc, request);
      assert.equal(ops.status?.phase, 'Successful', JSON.stringify(ops.status));
      assert.match(conditionMessage(ops, 'ConfigAppliedLive'), /\(Valkey 8\.0\)/);
      assert.equal(await podUid(kc, 'vk', 'vk-0'), uid);
      assert.equal(await configGetOnPod(kc, 'vk', 'vk-0', 'vk', 'availability-zone'), 'zone-a');
    },
  );

  it('Cluster 3×2 (KubeDB example): all-mutable change on all 6 pods, none restarted', async () => {
    const kc = stack.kubeConfig;
    const examples = join(PROJECT_ROOT, 'examples', 'cluster');
    for (const f of ['00-namespace.yaml', '01-redis-cluster.yaml']) await applyFile(kc, join(examples, f));
    await waitDatabaseReady(kc, 'demo', 'redis-cluster');
    const uids = await podUids(kc, 'demo', 'redis-cluster');
    assert.equal(uids.size, 6);
    const request = reconfigure('demo', 'cluster-live', 'redis-cluster', {
      applyConfig: { 'redis.conf': 'maxmemory-policy allkeys-lru' },
    });
    // What a user sees beforehand: live, all 6 pods by CONFIG SET, replicas first, no restart.
    const text = await planCli(stack, request);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /^Path: live \(CONFIG SET on every pod, no restart\)/m);
    const podLines = text.out.split('\n').filter((l) => /^\d+ +redis-cluster-shard/.test(l));
    assert.equal(podLines.length, 6, text.out);
    assert.deepEqual(
      podLines.map((l) => l.split(/ +/)[2]),
      ['replica', 'replica', 'replica', 'primary', 'primary', 'primary'],
    );
    assert.match(text.out, /Pending restart: none/);
    const ops = await runOpsRequest(kc, request);
    assert.equal(ops.status?.phase, 'Successful', JSON.stringify(ops.status));
    assert.match(conditionMessage(ops, 'ConfigAppliedLive'), /CONFIG SET on 6 pod/);
    assert.deepEqual(await podUids(kc, 'demo', 'redis-cluster'), uids, 'no pod recreated');
    for (const pod of uids.keys()) {
      assert.equal(await configGetOnPod(kc, 'demo', pod, 'redis-cluster', 'maxmemory-policy'), 'allkeys-lru', pod);
    }
  });
});
