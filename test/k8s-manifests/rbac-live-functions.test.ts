/**
 * infra/k8s/functions-rbac applied (kubectl) to the local API server with RBAC enforced, the functions' identity
 * being a user in the group `redis-reconfigure:functions` (what an EKS access entry maps their IAM roles to): every
 * KubePort method of the real KubeAdapter succeeds; what the adapter never does (delete, list Secrets, PUT, watch,
 * ConfigMaps) is 403. The namespaced variant works in its namespace only.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { defaultRedisVersions } from '../../infra/local/controllers/provisioner/versions.ts';
import { KubeAdapter } from '../../shared/adapters/kube/kube-adapter.ts';
import * as k from '../../shared/kubedb/constants.ts';
import type { RedisOpsRequest } from '../../shared/kubedb/types.ts';
import { forbidden, startRbacCluster, type RbacCluster } from './live.ts';
import { K8S_DIR } from './manifests.ts';

const FN_TOKEN = 'fn-token-0123456789abcdef';
const identity = {
  [FN_TOKEN]: {
    username: 'arn:aws:sts::111122223333:assumed-role/redis-reconfigure-halt/fn',
    groups: ['redis-reconfigure:functions'],
  },
};
const ops = { group: k.OPS_GROUP, version: k.OPS_VERSION, plural: k.OPS_PLURAL };
const redises = { group: k.KUBEDB_GROUP, version: k.KUBEDB_VERSION, plural: k.REDIS_PLURAL };
const petsets = { group: k.PETSET_GROUP, version: k.PETSET_VERSION, plural: k.PETSET_PLURAL };
const labels = k.offshootSelectors('sample-redis');

/** As the admin (a KubeDB-like provisioner would): a Redis, its version, auth secret, PetSet, pod and an ops request. */
async function seed(admin: KubeConfig, namespace: string): Promise<void> {
  const core = admin.makeApiClient(CoreV1Api);
  const custom = admin.makeApiClient(CustomObjectsApi);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await custom.createNamespacedCustomObject({
    ...redises,
    namespace,
    body: {
      apiVersion: 'kubedb.com/v1',
      kind: 'Redis',
      metadata: { name: 'sample-redis' },
      spec: { version: '7.2.4' },
    },
  });
  await core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: 'sample-redis-auth' }, stringData: { username: 'default', password: 'p' } },
  });
  // A TLS-enabled database's client certificate (cert-manager's kubernetes.io/tls layout, KubeDB's <db>-client-cert):
  // what the functions read to reach TLS-only pods.
  await core.createNamespacedSecret({
    namespace,
    body: {
      metadata: { name: 'sample-redis-client-cert' },
      type: 'kubernetes.io/tls',
      stringData: { 'ca.crt': 'ca', 'tls.crt': 'crt', 'tls.key': 'key' },
    },
  });
  await custom.createNamespacedCustomObject({
    ...petsets,
    namespace,
    body: {
      apiVersion: `${k.PETSET_GROUP}/${k.PETSET_VERSION}`,
      kind: 'PetSet',
      metadata: { name: 'sample-redis', labels },
      spec: {
        replicas: 1,
        serviceName: 'sample-redis-pods',
        selector: { matchLabels: labels },
        template: { metadata: { labels } },
      },
    },
  });
  await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name: 'sample-redis-0', labels },
      spec: { containers: [{ name: 'redis', image: 'redis:7.2.4' }] },
    },
  });
  await custom.createNamespacedCustomObject({
    ...ops,
    namespace,
    body: {
      apiVersion: `${k.OPS_GROUP}/${k.OPS_VERSION}`,
      kind: k.OPS_KIND,
      metadata: { name: 'rdops-reconfigure' },
      spec: {
        type: 'Reconfigure',
        databaseRef: { name: 'sample-redis' },
        configuration: { applyConfig: { 'redis.conf': 'maxclients 2000\n' } },
      },
    },
  });
}

async function seedCatalog(admin: KubeConfig): Promise<void> {
  const custom = admin.makeApiClient(CustomObjectsApi);
  for (const body of defaultRedisVersions()) {
    await custom.createClusterCustomObject({
      group: k.CATALOG_GROUP,
      version: k.CATALOG_VERSION,
      plural: k.REDIS_VERSION_PLURAL,
      body,
    });
  }
}

/** Calls every KubePort method once, in the order a Reconfigure does; throws on the first refusal. */
async function exerciseAdapter(kube: KubeAdapter, namespace: string): Promise<void> {
  let o = (await kube.getOpsRequest(namespace, 'rdops-reconfigure')) as RedisOpsRequest;
  assert.ok(o, 'get rdops');
  assert.equal((await kube.listOpsRequests(namespace)).length, 1);
  o = await kube.writeOpsAnnotations(o, { 'redis-reconfigure.io/test': 'x' });
  o = await kube.writeOpsStatus(o, { phase: 'Progressing', conditions: [] });
  let redis = await kube.getRedis(namespace, 'sample-redis');
  assert.ok(redis, 'get redis');
  assert.deepEqual(
    (await kube.listRedises(namespace)).map((r) => r.metadata.name),
    ['sample-redis'],
  );
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  redis = await kube.writeRedisConditions(redis, [
    { type: k.DbCondition.Paused, status: 'True', reason: 'Paused', message: 'paused', lastTransitionTime: now },
  ]);
  assert.deepEqual(await kube.getRedisVersion('7.2.4'), { name: '7.2.4', distribution: 'Official', version: '7.2.4' });
  assert.ok(await kube.getSecret(namespace, 'sample-redis-auth'));
  // spec.tls needs no more than the same `get secrets`: the client certificate is one more Secret read.
  assert.equal((await kube.getSecret(namespace, 'sample-redis-client-cert'))?.data['tls.key'], 'key');
  await kube.putSecret(namespace, 'sample-redis-config', { 'redis.conf': 'maxclients 2000\n' }, {}); // create
  await kube.putSecret(namespace, 'sample-redis-config', { 'redis.conf': 'maxclients 3000\n' }, {}); // patch
  await kube.writeRedisConfiguration(redis, { secretName: 'sample-redis-config' });
  // An ACL reconfigure: the secretRef secret read, the operator's ACL secret created/patched, the Redis's ACL rules
  // patched — the same `get`/`create`/`patch secrets` and `patch redises`, nothing more.
  await kube.putSecret(namespace, 'sample-redis-acl-123456', { 'user_acl.conf': 'user u reset on nopass\n' }, {});
  await kube.putSecret(namespace, 'sample-redis-acl-123456', { 'user_acl.conf': 'user u reset off\n' }, {});
  assert.equal(
    (await kube.getSecret(namespace, 'sample-redis-acl-123456'))?.data['user_acl.conf'],
    'user u reset off\n',
  );
  redis = await kube.writeRedisAcl(redis, 'spec.acl', { rules: ['u ${k} +get'], secretRef: { name: 'acl' } });
  assert.deepEqual(redis.spec.acl, { rules: ['u ${k} +get'], secretRef: { name: 'acl' } });
  assert.deepEqual(
    await kube.annotatePetSetTemplates(namespace, 'sample-redis', { 'redis-reconfigure.io/restart': '1' }),
    ['sample-redis'],
  );
  assert.equal((await kube.listDatabasePods(namespace, 'sample-redis')).length, 1);
  assert.ok(await kube.getPod(namespace, 'sample-redis-0'));
  await kube.evictPod(namespace, 'sample-redis-0');
  await kube.recordEvent(o, { type: 'Normal', reason: k.OpsEventReason.Successful, message: 'done' });
  await kube.recordEvent(redis, { type: 'Warning', reason: 'ConfigDrift', message: 'drift' });
}

describe('functions RBAC (cluster-wide) on an RBAC-enforcing API server', () => {
  let cluster: RbacCluster;
  let fn: KubeConfig;
  before(async () => {
    cluster = await startRbacCluster(identity);
    assert.deepEqual(await cluster.apply(join(K8S_DIR, 'functions-rbac')), []);
    await seedCatalog(cluster.admin);
    await seed(cluster.admin, 'demo');
    fn = cluster.as(FN_TOKEN);
  });
  after(async () => cluster.stop());

  it('every KubeAdapter method is allowed for the group redis-reconfigure:functions', async () => {
    await exerciseAdapter(new KubeAdapter(fn), 'demo');
  });

  it('what the adapter never does is 403', async () => {
    const core = fn.makeApiClient(CoreV1Api);
    const custom = fn.makeApiClient(CustomObjectsApi);
    await forbidden('list secrets', () => core.listNamespacedSecret({ namespace: 'demo' }));
    await forbidden('delete a secret', () =>
      core.deleteNamespacedSecret({ namespace: 'demo', name: 'sample-redis-auth' }),
    );
    await forbidden('read a configmap', () => core.readNamespacedConfigMap({ namespace: 'demo', name: 'x' }));
    await forbidden('delete a pod', () => core.deleteNamespacedPod({ namespace: 'demo', name: 'sample-redis-0' }));
    await forbidden('create an ops request', () =>
      custom.createNamespacedCustomObject({
        ...ops,
        namespace: 'demo',
        body: { apiVersion: `${k.OPS_GROUP}/${k.OPS_VERSION}`, kind: k.OPS_KIND, metadata: { name: 'x' }, spec: {} },
      }),
    );
    await forbidden('delete a Redis', () =>
      custom.deleteNamespacedCustomObject({ ...redises, namespace: 'demo', name: 'sample-redis' }),
    );
    const current = await custom.getNamespacedCustomObject({ ...redises, namespace: 'demo', name: 'sample-redis' });
    await forbidden('replace (PUT) a Redis', () =>
      custom.replaceNamespacedCustomObject({ ...redises, namespace: 'demo', name: 'sample-redis', body: current }),
    );
    await forbidden('list RedisVersions', () =>
      custom.listClusterCustomObject({
        group: k.CATALOG_GROUP,
        version: k.CATALOG_VERSION,
        plural: k.REDIS_VERSION_PLURAL,
      }),
    );
    await forbidden('create a PetSet', () =>
      custom.createNamespacedCustomObject({
        ...petsets,
        namespace: 'demo',
        body: {
          apiVersion: `${k.PETSET_GROUP}/${k.PETSET_VERSION}`,
          kind: 'PetSet',
          metadata: { name: 'x' },
          spec: {},
        },
      }),
    );
    await forbidden('create a ServiceAccount', () =>
      core.createNamespacedServiceAccount({ namespace: 'demo', body: { metadata: { name: 'x' } } }),
    );
  });
});

describe('functions-rbac/namespaced on an RBAC-enforcing API server', () => {
  let cluster: RbacCluster;
  before(async () => {
    cluster = await startRbacCluster(identity);
    await seedCatalog(cluster.admin);
    await seed(cluster.admin, 'demo');
    await seed(cluster.admin, 'other');
    await cluster.apply(join(K8S_DIR, 'functions-rbac/namespaced'));
  });
  after(async () => cluster.stop());

  it('works in the bound namespace (RedisVersion included), and is 403 in any other', async () => {
    const kube = new KubeAdapter(cluster.as(FN_TOKEN));
    await exerciseAdapter(kube, 'demo');
    await forbidden('read a secret in an unbound namespace', () => kube.getSecret('other', 'sample-redis-auth'));
    await forbidden('get an ops request in an unbound namespace', () =>
      kube.getOpsRequest('other', 'rdops-reconfigure'),
    );
  });
});
