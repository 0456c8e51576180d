/**
 * infra/k8s/forwarder applied (kubectl) to the local API server with RBAC enforced: the real forwarder, running with
 * its ServiceAccount's token, elects itself through the Lease, lists and watches RedisOpsRequests and forwards a new
 * one; the same identity is refused (403) everything else — Secrets, writes, other Leases, other namespaces.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { startForwarder } from '../../functions/forwarder/forwarder.ts';
import type { BatchEntry } from '../../functions/forwarder/sqs-batch-sender.ts';
import { OPS_GROUP, OPS_PLURAL, OPS_VERSION } from '../../shared/kubedb/constants.ts';
import { createOpsRequest, forwarderConfig, memoryLogger, waitFor } from '../forwarder/harness.ts';
import { forbidden, startRbacCluster, type RbacCluster } from './live.ts';
import { K8S_DIR } from './manifests.ts';

const rdops = { group: OPS_GROUP, version: OPS_VERSION, plural: OPS_PLURAL };
const NS = 'redis-reconfigure';
const LEASE = 'redis-reconfigure-forwarder';

async function saKubeConfig(cluster: RbacCluster, namespace: string, name: string): Promise<KubeConfig> {
  const kc = new KubeConfig();
  kc.loadFromString(await cluster.server.serviceAccountKubeconfig(namespace, name));
  return kc;
}

describe('forwarder RBAC on an RBAC-enforcing API server', () => {
  let cluster: RbacCluster;
  let sa: KubeConfig;
  const adminOps = () => ({
    server: cluster.server,
    kc: cluster.admin,
    api: cluster.admin.makeApiClient(CustomObjectsApi),
    stop: async () => {},
  });

  before(async () => {
    cluster = await startRbacCluster();
    await cluster.admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'demo' } } });
    assert.deepEqual(await cluster.apply(join(K8S_DIR, 'forwarder')), ['Deployment', 'PodDisruptionBudget', 'Service']);
    sa = await saKubeConfig(cluster, NS, 'forwarder');
  });
  after(async () => cluster.stop());

  it('the real forwarder, as ServiceAccount forwarder, takes the Lease, watches, forwards, and releases the Lease', async () => {
    const sent: BatchEntry[] = [];
    const forwarder = startForwarder(
      forwarderConfig('https://sqs.eu-west-1.amazonaws.com/111122223333/halt', {
        leaderElection: true,
        leaseNamespace: NS,
        leaseName: LEASE,
        identity: 'forwarder-0',
      }),
      { kubeConfig: sa, logger: memoryLogger().logger, sendBatch: async (entries) => (sent.push(...entries), []) },
    );
    try {
      await forwarder.ready;
      await waitFor('leadership', () => forwarder.isLeader());
      await createOpsRequest(adminOps(), { name: 'rdops-rbac', namespace: 'demo' });
      await waitFor('the new ops request forwarded', () => sent.some((e) => e.body.includes('rdops-rbac')));
    } finally {
      await forwarder.stop();
    }
    const lease = await cluster.admin
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ namespace: NS, name: LEASE });
    assert.equal(lease.spec?.holderIdentity ?? '', '', 'released with an update on stop');
  });

  it('list and watch work cluster-wide with the ServiceAccount token', async () => {
    const list = (await sa.makeApiClient(CustomObjectsApi).listClusterCustomObject(rdops)) as { items: unknown[] };
    assert.ok(Array.isArray(list.items));
    // And what the wake-ups watch (docs/adr/0013-wake-ups.md): the Redis objects and their pods.
    const redises = { group: 'kubedb.com', version: 'v1', plural: 'redises' };
    const dbs = (await sa.makeApiClient(CustomObjectsApi).listClusterCustomObject(redises)) as { items: unknown[] };
    assert.ok(Array.isArray(dbs.items));
    const pods = await sa
      .makeApiClient(CoreV1Api)
      .listPodForAllNamespaces({ labelSelector: 'app.kubernetes.io/managed-by=kubedb.com' });
    assert.ok(Array.isArray(pods.items));
  });

  it('everything else is 403: Secrets, reading one object, writes, other Leases, Leases elsewhere, events', async () => {
    const core = sa.makeApiClient(CoreV1Api);
    const custom = sa.makeApiClient(CustomObjectsApi);
    const leases = sa.makeApiClient(CoordinationV1Api);
    await forbidden('list secrets in its namespace', () => core.listNamespacedSecret({ namespace: NS }));
    await forbidden('list secrets cluster-wide', () => core.listSecretForAllNamespaces());
    await forbidden('get a secret', () => core.readNamespacedSecret({ namespace: 'demo', name: 'anything' }));
    await forbidden('get one rdops', () =>
      custom.getNamespacedCustomObject({ ...rdops, namespace: 'demo', name: 'rdops-rbac' }),
    );
    await forbidden('patch rdops', () =>
      custom.patchNamespacedCustomObject(
        { ...rdops, namespace: 'demo', name: 'rdops-rbac', body: { metadata: { labels: { x: 'y' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    await forbidden('get another Lease', () => leases.readNamespacedLease({ namespace: NS, name: 'someone-else' }));
    await forbidden('delete its Lease', () => leases.deleteNamespacedLease({ namespace: NS, name: LEASE }));
    await forbidden('create a Lease elsewhere', () =>
      leases.createNamespacedLease({
        namespace: 'demo',
        body: { metadata: { name: LEASE }, spec: { holderIdentity: 'x' } },
      }),
    );
    await forbidden('record an event', () =>
      core.createNamespacedEvent({
        namespace: 'demo',
        body: { metadata: { name: 'e1' }, involvedObject: { name: 'x' }, reason: 'R', message: 'm' },
      }),
    );
    // Pods are listed and watched (wake-ups), never read one by one, written or evicted.
    await forbidden('get a pod', () => core.readNamespacedPod({ namespace: 'demo', name: 'anything' }));
    await forbidden('delete a pod', () => core.deleteNamespacedPod({ namespace: 'demo', name: 'anything' }));
  });
});

describe('forwarder/namespaced on an RBAC-enforcing API server', () => {
  let cluster: RbacCluster;
  before(async () => {
    cluster = await startRbacCluster();
    for (const name of ['demo', 'other'])
      await cluster.admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
    await cluster.apply(join(K8S_DIR, 'forwarder/namespaced'));
  });
  after(async () => cluster.stop());

  it('lists RedisOpsRequests in the bound namespace only', async () => {
    const custom = (await saKubeConfig(cluster, NS, 'forwarder')).makeApiClient(CustomObjectsApi);
    await custom.listNamespacedCustomObject({ ...rdops, namespace: 'demo' });
    await forbidden('list in an unbound namespace', () =>
      custom.listNamespacedCustomObject({ ...rdops, namespace: 'other' }),
    );
    await forbidden('list cluster-wide', () => custom.listClusterCustomObject(rdops));
  });
});
