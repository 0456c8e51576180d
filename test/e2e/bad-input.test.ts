/**
 * Bad input gets a precise Failed condition, and nothing is lost: the database stays Ready, is not left Paused, and
 * keeps its old, working configuration. A config that passes validation but makes redis-server fail is rolled back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { isNotFound } from '../../shared/adapters/kube/api-errors.ts';
import { applyObjects } from '../../infra/local/manifests.ts';
import {
  configSecret,
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

describe('bad input ends Failed with a precise message; the database is untouched', { timeout: 600_000 }, () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  const ns = 'bad';
  const db = 'rd';
  before(async () => {
    stack = await startTestStack();
    await createDatabase(stack.kubeConfig, ns, db, 'maxclients 500\n');
    await waitDatabaseReady(stack.kubeConfig, ns, db);
    await applyObjects(stack.kubeConfig, [configSecret(ns, 'wrong-key', 'maxclients 700\n', 'config.txt')] as never);
  });
  after(async () => stack?.cleanup());

  const cases: Array<{ name: string; configuration: Record<string, unknown>; databaseRef?: string; message: RegExp }> =
    [
      {
        name: 'unknown-directive',
        configuration: { applyConfig: { 'redis.conf': 'maxclients 600\nmaxclientz 700' } },
        message: /line 2.*maxclientz/i,
      },
      {
        name: 'bad-value',
        configuration: { applyConfig: { 'redis.conf': 'maxclients lots' } },
        message: /line 1: "maxclients lots": argument couldn.t be parsed into an integer/,
      },
      { name: 'owned-directive', configuration: { applyConfig: { 'redis.conf': 'dir /tmp' } }, message: /\bdir\b/ },
      {
        name: 'dangerous-directive',
        configuration: { applyConfig: { 'redis.conf': 'loadmodule /tmp/evil.so' } },
        message: /loadmodule/,
      },
      {
        name: 'newline-injection',
        configuration: { applyConfig: { 'redis.conf': 'maxclients "600\\nloadmodule /tmp/evil.so"' } },
        message: /maxclients/,
      },
      {
        name: 'quote-injection',
        configuration: { applyConfig: { 'redis.conf': 'maxclients "600" loadmodule' } },
        message: /maxclients/,
      },
      {
        name: 'missing-secret',
        configuration: { configSecret: { name: 'does-not-exist' } },
        message: /secret bad\/does-not-exist not found/,
      },
      {
        name: 'secret-without-key',
        configuration: { configSecret: { name: 'wrong-key' } },
        message: /wrong-key.*redis\.conf/,
      },
      {
        name: 'acl-auth',
        configuration: {
          applyConfig: { 'redis.conf': 'maxclients 600' },
          auth: { syncACL: ['app ${k1} +get ~app:*'], secretRef: { name: 'acl' } },
        },
        message: /ACL secret bad\/acl \(auth\.secretRef\) not found/,
      },
      {
        name: 'missing-redis',
        configuration: { applyConfig: { 'redis.conf': 'maxclients 600' } },
        databaseRef: 'nope',
        message: /spec\.databaseRef bad\/nope, is invalid or not found/,
      },
    ];

  for (const c of cases) {
    it(`${c.name} → Failed, naming the problem`, async () => {
      const kc = stack.kubeConfig;
      const uidBefore = await podUid(kc, ns, `${db}-0`);
      const ops = await runOpsRequest(kc, reconfigure(ns, c.name, c.databaseRef ?? db, c.configuration));
      assert.equal(ops.status?.phase, 'Failed', JSON.stringify(ops.status));
      const failed = ops.status?.conditions?.find((cond) => cond.type === 'Failed');
      assert.equal(failed?.status, 'False');
      assert.match(failed?.message ?? '', c.message);
      const redis = await getRedis(kc, ns, db);
      assert.equal(redis.status?.phase, 'Ready');
      assert.equal(isPaused(redis), false, 'database resumed');
      assert.equal(redis.spec.configuration?.secretName, `${db}-user-config`);
      assert.equal(await podUid(kc, ns, `${db}-0`), uidBefore, 'pod not restarted');
      assert.equal(await maxclients(kc, ns, db), '500');
      assert.equal(
        await secretExists(kc, ns, `${c.name}-rollback`),
        false,
        'validation comes before the rollback snapshot is written',
      );
    });
  }

  it("a config redis-server refuses at start is rolled back: Failed with the server's own error, database healthy", async () => {
    const kc = stack.kubeConfig;
    // locale-collate is a valid Redis 7.2 directive (the declared version), but this machine's redis-server 7.0
    // does not know it: validation passes, the process fails to start — exactly the case rollback exists for.
    const ops = await runOpsRequest(
      kc,
      reconfigure(ns, 'fails-at-start', db, {
        applyConfig: { 'redis.conf': 'maxclients 800\nlocale-collate C' },
        restart: 'true',
      }),
    );
    assert.equal(ops.status?.phase, 'Failed', JSON.stringify(ops.status));
    assert.ok(ops.status?.conditions?.some((c) => c.type === 'RolledBack'));
    const failedMessage = ops.status?.conditions?.find((c) => c.type === 'Failed')?.message ?? '';
    assert.match(failedMessage, /locale-collate|Bad directive/i);
    // The engine's own few lines (shared/steps/restart-pod/engine-excerpt.ts), not the kubelet's 2 KB log tail.
    assert.match(failedMessage, /\*\*\* FATAL CONFIG FILE ERROR .* \/ >>> 'locale-collate .*' \/ Bad directive/);
    assert.doesNotMatch(failedMessage, /\d+:[CM] \d{1,2} [A-Z][a-z]{2} \d{4}/, 'no raw log lines');
    assert.ok(failedMessage.length < 800, `${failedMessage.length} characters`);
    await waitDatabaseReady(kc, ns, db);
    const redis = await getRedis(kc, ns, db);
    assert.equal(isPaused(redis), false);
    assert.equal(redis.spec.configuration?.inline, undefined, 'spec.configuration restored');
    assert.equal(await maxclients(kc, ns, db), '500');
  });

  it('a value redis-server lowers at start (maxclients above the open-file limit) is rolled back at once, saying why', async () => {
    const kc = stack.kubeConfig;
    // No machine grants 10000032 open files (Linux caps them at fs.nr_open, 1048576 by default): redis-server starts
    // with a lower maxclients. spec.timeout stays at its 10 min default: the run must not wait it out.
    const ops = await runOpsRequest(
      kc,
      reconfigure(ns, 'lowered-at-start', db, {
        applyConfig: { 'redis.conf': 'maxclients 10000000' },
        restart: 'true',
      }),
    );
    assert.equal(ops.status?.phase, 'Failed', JSON.stringify(ops.status));
    assert.ok(ops.status?.conditions?.some((c) => c.type === 'RolledBack'));
    assert.match(
      ops.status?.conditions?.find((c) => c.type === 'Failed')?.message ?? '',
      /is Ready but runs another configuration: maxclients: expected "10000000", got "\d+" \(redis-server lowers maxclients to its open-file limit minus 32/,
    );
    await waitDatabaseReady(kc, ns, db);
    assert.equal(isPaused(await getRedis(kc, ns, db)), false);
    assert.equal(await maxclients(kc, ns, db), '500');
  });

  it('the same value on the live path: the engine refuses it at the canary, nothing is persisted', async () => {
    const kc = stack.kubeConfig;
    const ops = await runOpsRequest(
      kc,
      reconfigure(ns, 'refused-live', db, { applyConfig: { 'redis.conf': 'maxclients 10000000' } }),
    );
    assert.equal(ops.status?.phase, 'Failed', JSON.stringify(ops.status));
    const failed = ops.status?.conditions?.find((c) => c.type === 'Failed');
    assert.equal(failed?.reason, 'ConfigRefusedByEngine');
    assert.match(failed?.message ?? '', /canary\) refused it: .*maxclients/i);
    const redis = await getRedis(kc, ns, db);
    assert.equal(isPaused(redis), false);
    assert.equal(redis.spec.configuration?.inline, undefined, 'nothing persisted');
    assert.equal(await maxclients(kc, ns, db), '500');
  });

  it('spec.timeout bounds waiting: IfReady on a database that never gets Ready → Failed, not Paused', async () => {
    const kc = stack.kubeConfig;
    await createDatabase(kc, 'broken', 'rd', 'maxclients notanumber\n');
    const ops = await runOpsRequest(
      kc,
      reconfigure('broken', 'times-out', 'rd', { applyConfig: { 'redis.conf': 'maxclients 600' } }, { timeout: '3s' }),
    );
    assert.equal(ops.status?.phase, 'Failed', JSON.stringify(ops.status));
    assert.match(ops.status?.conditions?.find((c) => c.type === 'Failed')?.message ?? '', /spec\.timeout \(3s\)/);
    assert.equal(isPaused(await getRedis(kc, 'broken', 'rd')), false);
  });
});

async function secretExists(kc: KubeConfig, ns: string, name: string): Promise<boolean> {
  try {
    await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace: ns, name });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
