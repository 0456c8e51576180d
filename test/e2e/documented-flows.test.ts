/**
 * KubeDB's documented Reconfigure flows on the whole local stack: the user-visible outcome is the ops request's
 * phase and conditions, and `CONFIG GET` on the pod.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { applyObjects } from '../../infra/local/manifests.ts';
import {
  configSecret,
  conditionTypes,
  createDatabase,
  getRedis,
  isPaused,
  maxclients,
  podUid,
  reconfigure,
  runOpsRequest,
  startTestStack,
  waitDatabaseReady,
} from './harness.ts';

describe('documented Reconfigure flows (Standalone)', { timeout: 300_000 }, () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  before(async () => {
    stack = await startTestStack();
  });
  after(async () => stack?.cleanup());

  it("configSecret → 2000, applyConfig → 3000, removeCustomConfig → 10000, with KubeDB's condition chain", async () => {
    const kc = stack.kubeConfig;
    await createDatabase(kc, 'demo', 'sample-redis', 'maxclients 500\n');
    await waitDatabaseReady(kc, 'demo', 'sample-redis');
    assert.equal(await maxclients(kc, 'demo', 'sample-redis'), '500');

    await applyObjects(kc, [configSecret('demo', 'new-custom-config', 'maxclients 2000\n')] as never);
    const replaced = await runOpsRequest(
      kc,
      reconfigure('demo', 'rdops-reconfigure', 'sample-redis', {
        configSecret: { name: 'new-custom-config' },
        restart: 'auto',
      }),
    );
    assert.equal(replaced.status?.phase, 'Successful', JSON.stringify(replaced.status));
    // maxclients can be CONFIG SET: restart "auto" applies it live, no pod restarts (ADR 0011).
    assert.deepEqual(conditionTypes(replaced), [
      'Reconfigure',
      'DatabasePauseSucceeded',
      'patchedSecret',
      'UpdatePetSets',
      'ConfigAppliedLive',
      'RestartSkipped',
      'Successful',
    ]);
    assert.equal(replaced.status?.observedGeneration, 1);
    assert.equal(await maxclients(kc, 'demo', 'sample-redis'), '2000');
    const afterReplace = await getRedis(kc, 'demo', 'sample-redis');
    assert.equal(afterReplace.spec.configuration?.secretName, 'new-custom-config');
    assert.equal(isPaused(afterReplace), false);

    const merged = await runOpsRequest(
      kc,
      reconfigure('demo', 'rdops-apply-reconfig', 'sample-redis', {
        applyConfig: { 'redis.conf': 'maxclients 3000' },
        restart: 'true',
      }),
    );
    assert.equal(merged.status?.phase, 'Successful', JSON.stringify(merged.status));
    // restart "true": KubeDB's documented rolling chain.
    assert.deepEqual(conditionTypes(merged), [
      'Reconfigure',
      'DatabasePauseSucceeded',
      'patchedSecret',
      'UpdatePetSets',
      'EvictPod--sample-redis-0',
      'IsPodReady--sample-redis-0',
      'RestartPods',
      'Successful',
    ]);
    assert.equal(await maxclients(kc, 'demo', 'sample-redis'), '3000');

    const removed = await runOpsRequest(
      kc,
      reconfigure('demo', 'rdops-remove-config', 'sample-redis', { removeCustomConfig: true }),
    );
    assert.equal(removed.status?.phase, 'Successful', JSON.stringify(removed.status));
    assert.equal(await maxclients(kc, 'demo', 'sample-redis'), '10000');
    const final = await getRedis(kc, 'demo', 'sample-redis');
    assert.equal(final.spec.configuration?.secretName, undefined);
    assert.equal(final.spec.configuration?.inline, undefined);

    const events = await kc
      .makeApiClient(CoreV1Api)
      .listNamespacedEvent({ namespace: 'demo', fieldSelector: 'involvedObject.name=rdops-apply-reconfig' });
    const reasons = events.items.map((e) => `${e.reason}: ${e.message}`);
    for (const expected of [
      'PauseDatabase: Pausing Redis demo/sample-redis',
      'RestartPods: Restarted pods after reconfiguration',
      'ResumeDatabase: Resuming Redis demo/sample-redis',
      'ResumeDatabase: Successfully resumed Redis demo/sample-redis',
      'Successful: Successfully Reconfigured Database',
    ]) {
      assert.ok(reasons.includes(expected), `missing event "${expected}" in ${JSON.stringify(reasons)}`);
    }
  });

  it('restart: "false" writes the config without restarting the pod', async () => {
    const kc = stack.kubeConfig;
    await createDatabase(kc, 'norestart', 'rd', 'maxclients 500\n');
    await waitDatabaseReady(kc, 'norestart', 'rd');
    const uidBefore = await podUid(kc, 'norestart', 'rd-0');
    const ops = await runOpsRequest(
      kc,
      reconfigure('norestart', 'no-restart', 'rd', {
        applyConfig: { 'redis.conf': 'maxclients 4000' },
        restart: 'false',
      }),
    );
    assert.equal(ops.status?.phase, 'Successful', JSON.stringify(ops.status));
    assert.ok(!conditionTypes(ops).includes('RestartPods'));
    assert.equal(await podUid(kc, 'norestart', 'rd-0'), uidBefore);
    // A runtime-mutable directive is applied live even with restart "false" (ADR 0011: nothing silently pending).
    assert.ok(conditionTypes(ops).includes('ConfigAppliedLive'));
    assert.equal(await maxclients(kc, 'norestart', 'rd'), '4000');
    assert.deepEqual((await getRedis(kc, 'norestart', 'rd')).spec.configuration?.inline, {
      'redis.conf': 'maxclients 4000\n',
    });
  });

  it('removeCustomConfig combined with applyConfig keeps only the new directives', async () => {
    const kc = stack.kubeConfig;
    await createDatabase(kc, 'combined', 'rd', 'maxclients 500\ntimeout 60\n');
    await waitDatabaseReady(kc, 'combined', 'rd');
    const ops = await runOpsRequest(
      kc,
      reconfigure('combined', 'remove-and-apply', 'rd', {
        removeCustomConfig: true,
        applyConfig: { 'redis.conf': 'maxclients 1234' },
      }),
    );
    assert.equal(ops.status?.phase, 'Successful', JSON.stringify(ops.status));
    assert.equal(await maxclients(kc, 'combined', 'rd'), '1234');
    const { configGetOnPod } = await import('../../infra/local/redis-query.ts');
    assert.equal(await configGetOnPod(kc, 'combined', 'rd-0', 'rd', 'timeout'), '0', 'timeout back to its default');
    const redis = await getRedis(kc, 'combined', 'rd');
    assert.equal(redis.spec.configuration?.secretName, undefined);
  });

  it('Valkey: applyConfig under valkey.conf reaches the pod; a redis.conf key is refused, naming the expected key', async () => {
    const kc = stack.kubeConfig;
    await applyObjects(kc, [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'valkey' } },
      configSecret('valkey', 'vk-user-config', 'maxclients 500\n', 'valkey.conf'),
      {
        apiVersion: 'kubedb.com/v1',
        kind: 'Redis',
        metadata: { name: 'vk', namespace: 'valkey' },
        spec: { version: 'valkey-8.1.1', configuration: { secretName: 'vk-user-config' } },
      },
    ] as never);
    await waitDatabaseReady(kc, 'valkey', 'vk');
    const wrongKey = await runOpsRequest(
      kc,
      reconfigure('valkey', 'wrong-key', 'vk', { applyConfig: { 'redis.conf': 'maxclients 900' } }),
    );
    assert.equal(wrongKey.status?.phase, 'Failed');
    assert.match(wrongKey.status?.conditions?.find((c) => c.type === 'Failed')?.message ?? '', /valkey\.conf/);
    const ops = await runOpsRequest(
      kc,
      reconfigure('valkey', 'valkey-apply', 'vk', { applyConfig: { 'valkey.conf': 'maxclients 900' } }),
    );
    assert.equal(ops.status?.phase, 'Successful', JSON.stringify(ops.status));
    assert.equal(await maxclients(kc, 'valkey', 'vk'), '900');
    assert.deepEqual((await getRedis(kc, 'valkey', 'vk')).spec.configuration?.inline, {
      'valkey.conf': 'maxclients 900\n',
    });
  });
});
