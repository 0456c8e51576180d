/**
 * `redis-reconfigure drift` on the local Kubernetes (real API server, real redis-server pods): a `CONFIG SET` made
 * behind the operator's back on one pod is reported — exit status, the Redis's ConfigDrift condition and an Event,
 * naming that pod and directive — and nothing is reported for the other database; once the value is back, the
 * condition turns False with a ConfigDriftResolved Event. The pods are only read.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { RedisAdapter } from '../shared/adapters/redis/redis-adapter.ts';
import { authSecretName, REDIS_PORT } from '../shared/kubedb/constants.ts';
import type { Redis } from '../shared/kubedb/types.ts';
import { createDatabase, getRedis, maxclients, startTestStack, waitDatabaseReady } from '../test/e2e/harness.ts';
import type { CommandIo } from './command.ts';
import { DRIFT_FOUND_EXIT } from './commands/drift-run.ts';
import { run } from './main.ts';

const NS = 'drift';

/** `redis-cli config set`, as someone with the password would do it by hand. */
async function configSetOnPod(kc: KubeConfig, db: string, parameter: string, value: string): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const pod = await core.readNamespacedPod({ namespace: NS, name: `${db}-0` });
  const secret = await core.readNamespacedSecret({ namespace: NS, name: authSecretName(db) });
  const password = Buffer.from(secret.data?.['password'] ?? '', 'base64').toString('utf8');
  await new RedisAdapter().configSet({ host: pod.status?.podIP ?? '', port: REDIS_PORT, password }, [parameter, value]);
}

const driftCondition = (redis: Redis) => redis.status?.conditions?.find((c) => c.type === 'ConfigDrift');

describe('drift on the local stack', { timeout: 300_000 }, () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  const cli = async (...args: string[]) => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const io: CommandIo = {
      out: (l) => stdout.push(l),
      err: (l) => stderr.push(l),
      env: { KUBECONFIG: stack.kubeconfigPath },
      now: () => new Date(),
    };
    const code = await run(args, io);
    return { code, out: stdout.join('\n'), err: stderr.join('\n') };
  };
  const events = async (db: string) =>
    (await stack.kubeConfig.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: NS })).items.filter(
      (e) => e.involvedObject.kind === 'Redis' && e.involvedObject.name === db,
    );

  before(async () => {
    stack = await startTestStack({ pipeline: false });
    await createDatabase(stack.kubeConfig, NS, 'rd-a', 'maxclients 500\nmaxmemory 64mb\n');
    await createDatabase(stack.kubeConfig, NS, 'rd-b', 'maxclients 600\n');
    await waitDatabaseReady(stack.kubeConfig, NS, 'rd-a');
    await waitDatabaseReady(stack.kubeConfig, NS, 'rd-b');
  });
  after(async () => stack?.cleanup());

  it('no drift: exit 0, ConfigDrift False on each Redis, no Event', async () => {
    const { code, out, err } = await cli('drift', '-n', NS);
    assert.equal(code, 0, `${out}\n${err}`);
    assert.match(out, /^drift\s+rd-a\s+False\s+none$/m);
    for (const db of ['rd-a', 'rd-b']) {
      assert.equal(driftCondition(await getRedis(stack.kubeConfig, NS, db))?.status, 'False', db);
      assert.deepEqual(
        (await events(db)).filter((e) => e.reason?.startsWith('ConfigDrift')),
        [],
      );
    }
  });

  it('a CONFIG SET behind the operator’s back is reported naming the pod and directive, and nothing else', async () => {
    await configSetOnPod(stack.kubeConfig, 'rd-a', 'maxclients', '900');
    const { code, out } = await cli('drift', '-n', NS);
    assert.equal(code, DRIFT_FOUND_EXIT, out);
    assert.match(out, /^drift\s+rd-a\s+True\s+maxclients on rd-a-0: declared "500", running "900"$/m);
    assert.match(out, /^drift\s+rd-b\s+False\s+none$/m);
    const a = driftCondition(await getRedis(stack.kubeConfig, NS, 'rd-a'));
    assert.equal(a?.status, 'True');
    assert.equal(
      a?.message,
      'running configuration differs from the declared one: maxclients on rd-a-0: declared "500", running "900"',
    );
    assert.equal(driftCondition(await getRedis(stack.kubeConfig, NS, 'rd-b'))?.status, 'False');
    const warned = (await events('rd-a')).filter((e) => e.reason === 'ConfigDrift');
    assert.equal(warned.length, 1);
    assert.equal(warned[0]?.type, 'Warning');
    assert.deepEqual(
      (await events('rd-b')).filter((e) => e.reason?.startsWith('ConfigDrift')),
      [],
    );
    assert.equal(await maxclients(stack.kubeConfig, NS, 'rd-a'), '900', 'the pod was not touched');
    // A second check says nothing new: no second Event.
    await cli('drift', 'rd-a', '-n', NS);
    assert.equal((await events('rd-a')).filter((e) => e.reason === 'ConfigDrift').length, 1);
  });

  it('once the value is back, ConfigDrift turns False with a ConfigDriftResolved Event', async () => {
    await configSetOnPod(stack.kubeConfig, 'rd-a', 'maxclients', '500');
    const { code, out } = await cli('drift', 'rd-a', '-n', NS);
    assert.equal(code, 0, out);
    assert.equal(driftCondition(await getRedis(stack.kubeConfig, NS, 'rd-a'))?.status, 'False');
    assert.equal((await events('rd-a')).filter((e) => e.reason === 'ConfigDriftResolved').length, 1);
  });
});
