/**
 * A freshly created Redis goes through phase Provisioning before Ready, as KubeDB reports it, seen by a client: a
 * watch from the creation's resourceVersion replays every status the provisioner wrote, in order, so even a short
 * Provisioning cannot slip between two polls.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Watch } from '@kubernetes/client-node';
import { isProcessAlive, startLocalCluster, waitFor, type LocalCluster } from './harness.ts';
import { KUBEDB_GROUP, KUBEDB_VERSION, REDIS_PLURAL } from '../../../../shared/kubedb/constants.ts';
import type { Redis } from '../../../../shared/kubedb/types.ts';

const NS = 'phases';

void describe('provisioner: phases of a new Redis', () => {
  let c: LocalCluster;
  before(async () => {
    c = await startLocalCluster();
    await c.apis.core.createNamespace({ body: { metadata: { name: NS } } });
  });
  after(async () => {
    const pids = c.controllers.kubelet.pids();
    await c.stop();
    for (const pid of pids) assert.equal(isProcessAlive(pid), false, `redis-server ${pid} survived`);
  });

  void it('is seen in phase Provisioning (ProvisioningStarted, not Ready) before Ready', async () => {
    const body = {
      apiVersion: 'kubedb.com/v1',
      kind: 'Redis',
      metadata: { name: 'fresh', namespace: NS },
      spec: { version: '8.2.2' },
    };
    const created = (await c.apis.custom.createNamespacedCustomObject({
      group: KUBEDB_GROUP,
      version: KUBEDB_VERSION,
      namespace: NS,
      plural: REDIS_PLURAL,
      body,
    })) as Redis;
    const seen: Redis[] = [];
    const watch = await new Watch(c.kc).watch(
      `/apis/${KUBEDB_GROUP}/${KUBEDB_VERSION}/namespaces/${NS}/${REDIS_PLURAL}`,
      { resourceVersion: created.metadata.resourceVersion!, fieldSelector: 'metadata.name=fresh' },
      (type: string, obj: Redis) => {
        if (type === 'MODIFIED') seen.push(obj);
      },
      () => undefined, // ended by abort() below, or by a failed assertion's teardown
    );
    try {
      await waitFor(
        'Redis Ready',
        async () => (seen.some((r) => r.status?.phase === 'Ready') ? true : undefined),
        30_000,
      );
    } finally {
      watch.abort();
    }
    const phases = seen.map((r) => r.status?.phase).filter((p, i, all) => p !== undefined && p !== all[i - 1]);
    assert.deepEqual(phases.slice(0, 2), ['Provisioning', 'Ready'], `phases in order: ${phases.join(' → ')}`);
    const provisioning = seen.find((r) => r.status?.phase === 'Provisioning')!;
    const status = (type: string): string | undefined =>
      provisioning.status?.conditions?.find((x) => x.type === type)?.status;
    assert.equal(status('ProvisioningStarted'), 'True');
    assert.equal(status('Ready'), 'False');
  });
});
