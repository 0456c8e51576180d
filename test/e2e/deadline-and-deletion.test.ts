/**
 * docs/adr/0014-deadline-and-deletion.md on the local stack: a run whose pod does not come back (the kubelet's pod
 * start delay keeps the replacement in ContainerCreating) ends Failed at its whole-operation deadline, with the
 * previous configuration restored and the database resumed; an ops request deleted mid-run leaves its database
 * resumed and each pod on the old or the new configuration (the one the run had written: the new one here).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { applyObjects } from '../../infra/local/manifests.ts';
import { followOpsRequest } from '../../infra/local/ops-progress.ts';
import { waitFor } from '../../infra/local/wait.ts';
import {
  createDatabase,
  getOps,
  getRedis,
  isPaused,
  maxclients,
  reconfigure,
  startTestStack,
  waitDatabaseReady,
} from './harness.ts';

const NS = 'deadline';
const DB = 'rd';
/** Long enough that the run reaches its deadline (or is deleted) while the evicted pod is not back. */
const POD_START_DELAY_MS = 12_000;

describe('whole-operation deadline and deletion mid-run', { timeout: 600_000 }, () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  before(async () => {
    stack = await startTestStack({ podStartDelayMs: POD_START_DELAY_MS });
    await createDatabase(stack.kubeConfig, NS, DB, 'maxclients 500\n');
    await waitDatabaseReady(stack.kubeConfig, NS, DB);
  });
  after(async () => stack?.cleanup());

  const podReadyWith = (value: string) =>
    waitFor(
      `${DB}-0 Ready with maxclients ${value}`,
      async () => ((await maxclients(stack.kubeConfig, NS, DB).catch(() => undefined)) === value ? true : undefined),
      { timeoutMs: 60_000 },
    );

  it('a stalled run ends Failed at its deadline, naming it; the database resumed with the previous configuration', async () => {
    const kc = stack.kubeConfig;
    const ops = reconfigure(NS, 'short-deadline', DB, {
      applyConfig: { 'redis.conf': 'maxclients 2000' },
      restart: 'true',
    });
    (ops.metadata as Record<string, unknown>)['annotations'] = { 'redis-reconfigure.io/deadline': '4s' };
    await applyObjects(kc, [ops] as never);
    const done = await followOpsRequest(kc, NS, 'short-deadline', () => undefined, { timeoutMs: 120_000 });
    assert.equal(done.status?.phase, 'Failed', JSON.stringify(done.status));
    const failed = done.status?.conditions?.find((c) => c.type === 'Failed');
    assert.equal(failed?.reason, 'DeadlineExceeded', JSON.stringify(failed));
    assert.match(failed?.message ?? '', /deadline of 4s \(annotation redis-reconfigure.io\/deadline\) passed/);
    assert.match(failed?.message ?? '', /the previous configuration was restored/);
    assert.equal(isPaused(await getRedis(kc, NS, DB)), false, 'the database is resumed');
    // The replacement pod starts from the restored configuration.
    await podReadyWith('500');
    await waitDatabaseReady(kc, NS, DB);
  });

  it('deleting an ops request mid-run resumes its database; the pod runs the configuration the run had written', async () => {
    const kc = stack.kubeConfig;
    const ops = reconfigure(NS, 'deleted-mid-run', DB, {
      applyConfig: { 'redis.conf': 'maxclients 3000' },
      restart: 'true',
    });
    await applyObjects(kc, [ops] as never);
    await waitFor(
      'the pod evicted',
      async () =>
        (await getOps(kc, NS, 'deleted-mid-run')).status?.conditions?.some(
          (c) => c.type === `EvictPod--${DB}-0` && c.status === 'True',
        ) === true || undefined,
      { timeoutMs: 60_000 },
    );
    assert.equal(isPaused(await getRedis(kc, NS, DB)), true, 'paused while the run is under way');
    await kc.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({
      group: 'ops.kubedb.com',
      version: 'v1alpha1',
      plural: 'redisopsrequests',
      namespace: NS,
      name: 'deleted-mid-run',
    });
    await waitFor('the database resumed', async () => (isPaused(await getRedis(kc, NS, DB)) ? undefined : true), {
      timeoutMs: 60_000,
    });
    const events = await kc.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: NS });
    assert.ok(
      events.items.some(
        (e) =>
          e.involvedObject.kind === 'Redis' && /deleted-mid-run was deleted while Progressing/.test(e.message ?? ''),
      ),
      'an Event on the Redis says why it was resumed',
    );
    // Either configuration is consistent; the run had written the new one, which the restarted pod reads.
    const value = await waitFor(`${DB}-0 answering`, async () => maxclients(kc, NS, DB).catch(() => undefined), {
      timeoutMs: 60_000,
    });
    assert.ok(['500', '3000'].includes(value), value);
    assert.equal(value, '3000');
    await waitDatabaseReady(kc, NS, DB);
  });
});
