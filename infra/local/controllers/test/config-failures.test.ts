/**
 * What a user sees when the config is wrong, and that a paused Redis is left alone (KubeDB's ops-manager pauses
 * the database with a Paused=True condition while it reconfigures it).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import {
  getRedis,
  holdsFor,
  putSecret,
  readSecretKey,
  readyPod,
  redisRef,
  startLocalCluster,
  waitFor,
  type LocalCluster,
} from './harness.ts';
import { KUBEDB_GROUP, KUBEDB_VERSION, REDIS_PLURAL } from '../../../../shared/kubedb/constants.ts';
import { mergePatch } from '../runtime/kube.ts';

const NS = 'cfg';

void describe('controllers: bad config and paused Redis', () => {
  let c: LocalCluster;
  const createRedis = async (name: string, secretName: string): Promise<void> => {
    const body = {
      apiVersion: 'kubedb.com/v1',
      kind: 'Redis',
      metadata: { name, namespace: NS },
      spec: { version: '8.2.2', configuration: { secretName } },
    };
    await c.apis.custom.createNamespacedCustomObject({
      group: KUBEDB_GROUP,
      version: KUBEDB_VERSION,
      namespace: NS,
      plural: REDIS_PLURAL,
      body,
    });
  };
  const managedConf = async (name: string): Promise<string | undefined> => {
    const uid = (await getRedis(c.apis, NS, name)).metadata.uid!;
    return readSecretKey(c.apis, NS, `${name}-${uid.slice(-6)}`, 'default.conf');
  };
  before(async () => {
    c = await startLocalCluster();
    await c.apis.core.createNamespace({ body: { metadata: { name: NS } } });
  });
  after(async () => {
    const pids = c.controllers.kubelet.pids();
    await c.stop();
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), `redis-server ${pid} survived`);
  });

  void it('a bad directive leaves the pod not Ready with redis-server own error, restarting with backoff, and heals once fixed', async () => {
    await putSecret(c.apis, NS, 'bad-config', { 'redis.conf': 'maxclients notanumber\n' });
    await createRedis('bad', 'bad-config');
    const pod = await waitFor('CrashLoopBackOff with restarts', async () => {
      const p: V1Pod = await c.apis.core.readNamespacedPod({ name: 'bad-0', namespace: NS });
      const cs = p.status?.containerStatuses?.[0];
      return cs?.state?.waiting?.reason === 'CrashLoopBackOff' && (cs.restartCount ?? 0) >= 2 ? p : undefined;
    });
    const cs = pod.status!.containerStatuses![0]!;
    assert.equal(cs.ready, false);
    assert.match(cs.state!.waiting!.message!, /FATAL CONFIG FILE ERROR/);
    assert.match(cs.state!.waiting!.message!, /maxclients notanumber/);
    assert.equal(cs.lastState?.terminated?.exitCode, 1);
    assert.match(cs.lastState.terminated.message!, /argument couldn't be parsed into an integer/);
    assert.ok(pod.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'False'));
    assert.notEqual((await getRedis(c.apis, NS, 'bad')).status?.phase, 'Ready');

    await putSecret(c.apis, NS, 'bad-config', { 'redis.conf': 'maxclients 321\n' });
    const healed = await readyPod(c.apis, NS, 'bad-0');
    assert.ok((healed.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2, 'healed by a restart, not a new pod');
    await waitFor('Redis Ready', async () =>
      (await getRedis(c.apis, NS, 'bad')).status?.phase === 'Ready' ? true : undefined,
    );
  });

  void it('a missing user config secret shows on the Redis status', async () => {
    await createRedis('orphan', 'does-not-exist');
    const r = await waitFor('problem reported', async () => {
      const x = await getRedis(c.apis, NS, 'orphan');
      return x.status?.conditions?.some((k) => k.type === 'Provisioned' && k.reason === 'ConfigSecretNotFound')
        ? x
        : undefined;
    });
    assert.equal(r.status?.phase, 'NotReady');
    await putSecret(c.apis, NS, 'does-not-exist', { 'redis.conf': 'maxclients 77\n' });
    await waitFor('Redis Ready', async () =>
      (await getRedis(c.apis, NS, 'orphan')).status?.phase === 'Ready' ? true : undefined,
    );
  });

  void it('leaves a Paused Redis alone and catches up once it is resumed', async () => {
    await putSecret(c.apis, NS, 'shared-config', { 'redis.conf': 'maxclients 500\n' });
    await createRedis('paused', 'shared-config');
    await createRedis('control', 'shared-config');
    for (const n of ['paused', 'control']) {
      await waitFor(`${n} Ready`, async () =>
        (await getRedis(c.apis, NS, n)).status?.phase === 'Ready' ? true : undefined,
      );
    }
    const r = await getRedis(c.apis, NS, 'paused');
    const paused = {
      type: 'Paused',
      status: 'True',
      reason: 'Paused',
      message: 'paused by test',
      lastTransitionTime: new Date().toISOString().replace(/\.\d+Z/, 'Z'),
    };
    await c.apis.custom.patchNamespacedCustomObjectStatus(
      {
        ...redisRef(NS, 'paused'),
        body: {
          metadata: { resourceVersion: r.metadata.resourceVersion },
          status: { conditions: [...(r.status?.conditions ?? []), paused] },
        },
      },
      mergePatch,
    );

    await putSecret(c.apis, NS, 'shared-config', { 'redis.conf': 'maxclients 600\n' });
    // The same secret event reaches both Redis keys; once the unpaused one is regenerated, the paused one has
    // had its chance too. Watch it a little longer anyway: it must not move.
    await waitFor('control regenerated', async () =>
      (await managedConf('control'))?.includes('maxclients 600') ? true : undefined,
    );
    await holdsFor(500, async () => assert.match((await managedConf('paused'))!, /maxclients 500/));
    const stillPaused = await getRedis(c.apis, NS, 'paused');
    assert.ok(
      stillPaused.status?.conditions?.some((k) => k.type === 'Paused' && k.status === 'True'),
      'Paused condition not clobbered',
    );

    await c.apis.custom.patchNamespacedCustomObjectStatus(
      {
        ...redisRef(NS, 'paused'),
        body: { status: { conditions: (stillPaused.status?.conditions ?? []).filter((k) => k.type !== 'Paused') } },
      },
      mergePatch,
    );
    await waitFor('paused regenerated after resume', async () =>
      (await managedConf('paused'))?.includes('maxclients 600') ? true : undefined,
    );
  });
});
