/**
 * Sentinel mode end to end on real redis-server processes: KubeDB's sentinel examples (RedisSentinel sen-demo,
 * Redis rd-demo) give a primary, two replicas and three sentinels that agree; an evicted replica re-syncs; after a
 * SENTINEL FAILOVER the evicted former primary asks the sentinels and comes back as a replica of the new primary.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { KUBEDB_GROUP, KUBEDB_VERSION, SENTINEL_PLURAL } from '../../../../shared/kubedb/constants.ts';
import { SENTINEL_PORT, sentinelMasterName } from '../../../../shared/kubedb/topology.ts';
import { getRedis, readSecretKey, startLocalCluster, waitFor, type LocalCluster } from './harness.ts';
import { applyObject, cmd, evict, ipOf, replaced, replication, waitPhase } from './topology-harness.ts';
import { KUBEDB_EXAMPLES } from '../../../../test/shared-reference.ts';

const DIR = `${KUBEDB_EXAMPLES}/sentinel`;
const NS = 'demo';
const NAME = 'rd-demo';
const SENTINEL = 'sen-demo';

void describe('controllers: Sentinel mode from the KubeDB examples', () => {
  let c: LocalCluster;
  let password = '';
  let sentinelPassword = '';
  let masterName = '';
  const sentinelIps: string[] = [];

  const agreedPrimary = async (): Promise<string | undefined> => {
    const answers = await Promise.all(
      sentinelIps.map(
        async (ip) =>
          (await cmd(ip, SENTINEL_PORT, sentinelPassword, 'SENTINEL', 'get-master-addr-by-name', masterName)) as
            string[] | null,
      ),
    );
    const first = answers[0]?.[0];
    return first && answers.every((a) => a?.[0] === first) ? first : undefined;
  };

  before(async () => {
    c = await startLocalCluster();
    await c.apis.core.createNamespace({ body: { metadata: { name: NS } } });
    for (const file of ['sentinel.yaml', 'redis.yaml'])
      await applyObject(c.apis, YAML.parse(readFileSync(`${DIR}/${file}`, 'utf8')) as Record<string, unknown>);
  });
  after(async () => {
    await c.stop();
  });

  void it('becomes Ready: one primary, replicas in sync, every sentinel agrees', async () => {
    await waitPhase(c.apis, NS, NAME, 'Ready');
    const sentinel = (await c.apis.custom.getNamespacedCustomObject({
      group: KUBEDB_GROUP,
      version: KUBEDB_VERSION,
      namespace: NS,
      plural: SENTINEL_PLURAL,
      name: SENTINEL,
    })) as { status?: { phase?: string } };
    assert.equal(sentinel.status?.phase, 'Ready');
    password = (await readSecretKey(c.apis, NS, `${NAME}-auth`, 'password'))!;
    sentinelPassword = (await readSecretKey(c.apis, NS, `${SENTINEL}-auth`, 'password'))!;
    assert.notEqual(password, sentinelPassword);
    masterName = sentinelMasterName(await getRedis(c.apis, NS, NAME));
    for (let i = 0; i < 3; i++) sentinelIps.push(await ipOf(c.apis, NS, `${SENTINEL}-${i}`));
    const primaryIp = await ipOf(c.apis, NS, `${NAME}-0`);
    assert.equal(await agreedPrimary(), primaryIp, 'pod 0 starts as primary');
    const info = await replication(primaryIp, password);
    assert.equal(info.role, 'master');
    assert.deepEqual(
      info.replicas.map((r) => r.ip).sort(),
      [await ipOf(c.apis, NS, `${NAME}-1`), await ipOf(c.apis, NS, `${NAME}-2`)].sort(),
    );
    const monitored = (await cmd(
      sentinelIps[0]!,
      SENTINEL_PORT,
      sentinelPassword,
      'SENTINEL',
      'MASTER',
      masterName,
    )) as string[];
    const field = (k: string): string | undefined => monitored[monitored.indexOf(k) + 1];
    assert.equal(field('quorum'), '2');
    assert.equal(field('down-after-milliseconds'), '5000');
    assert.equal(field('failover-timeout'), '5000');
  });

  void it('an evicted replica comes back on its address and re-syncs', async () => {
    const pod = `${NAME}-2`;
    const ip = await ipOf(c.apis, NS, pod);
    const uid = await evict(c.apis, NS, pod);
    await replaced(c.apis, NS, pod, uid);
    assert.equal(await ipOf(c.apis, NS, pod), ip);
    await waitFor(
      'replica re-synced',
      async () => ((await replication(ip, password)).masterLinkStatus === 'up' ? true : undefined),
      30_000,
      100,
    );
    await waitPhase(c.apis, NS, NAME, 'Ready');
  });

  void it('after SENTINEL FAILOVER the evicted former primary comes back as a replica of the new primary', async () => {
    const oldPrimary = `${NAME}-0`;
    const oldIp = await ipOf(c.apis, NS, oldPrimary);
    // Right after the replica restart above, the sentinels may not yet list a promotable replica (they refresh
    // replica info every 10 s): NOGOODSLAVE is a "not yet", so ask again until the failover is accepted.
    await waitFor(
      'SENTINEL FAILOVER accepted',
      async () => {
        try {
          await cmd(sentinelIps[0]!, SENTINEL_PORT, sentinelPassword, 'SENTINEL', 'FAILOVER', masterName);
          return true;
        } catch (err) {
          if (/NOGOODSLAVE/.test(String(err))) return undefined;
          throw err;
        }
      },
      30_000,
      200,
    );
    const newIp = await waitFor(
      'new primary agreed',
      async () => {
        const p = await agreedPrimary();
        return p && p !== oldIp && (await replication(p, password)).role === 'master' ? p : undefined;
      },
      60_000,
      100,
    );
    const uid = await evict(c.apis, NS, oldPrimary);
    await replaced(c.apis, NS, oldPrimary, uid);
    assert.equal(await ipOf(c.apis, NS, oldPrimary), oldIp);
    await waitFor(
      'former primary replicates the new one',
      async () => {
        const info = await replication(oldIp, password);
        return info.role === 'replica' && info.masterHost === newIp && info.masterLinkStatus === 'up'
          ? true
          : undefined;
      },
      30_000,
      100,
    );
    assert.equal(await agreedPrimary(), newIp);
    await waitPhase(c.apis, NS, NAME, 'Ready');
  });
});
