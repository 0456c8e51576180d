/**
 * The real KubeAdapter against the local Kubernetes API server (HTTPS, real patch semantics): what its writes leave on
 * the objects, including when the object it was given is already stale.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { FIELD_MANAGER, KubeAdapter } from '../../shared/adapters/kube/kube-adapter.ts';
import * as k from '../../shared/kubedb/constants.ts';
import type { Redis } from '../../shared/kubedb/types.ts';
import { ensureNamespace, startTestServer } from '../kube-apiserver/helpers.ts';

const NS = 'adapter';
const redises = { group: k.KUBEDB_GROUP, version: k.KUBEDB_VERSION, plural: k.REDIS_PLURAL };
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

void describe('KubeAdapter on the local API server', () => {
  let server: KubeApiServer;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;
  let kube: KubeAdapter;
  before(async () => {
    server = await startTestServer();
    await ensureNamespace(server, NS);
    const kc = new KubeConfig();
    kc.loadFromString(server.kubeconfig());
    custom = kc.makeApiClient(CustomObjectsApi);
    core = kc.makeApiClient(CoreV1Api);
    kube = new KubeAdapter(kc);
  });
  after(async () => server?.stop());

  const createRedis = async (name: string, spec: Record<string, unknown>): Promise<Redis> =>
    (await custom.createNamespacedCustomObject({
      ...redises,
      namespace: NS,
      body: { apiVersion: 'kubedb.com/v1', kind: 'Redis', metadata: { name }, spec: { version: '7.2.4', ...spec } },
    })) as Redis;
  const readRedis = async (name: string): Promise<Redis> =>
    (await custom.getNamespacedCustomObject({ ...redises, namespace: NS, name })) as Redis;

  void it('writeRedisConfiguration points the Redis at the new config: drops configSecret, removed inline keys, a dropped secretName', async () => {
    await createRedis('rd-a', {
      configSecret: { name: 'old' },
      configuration: { secretName: 'old', inline: { 'redis.conf': 'maxclients 1', 'other.conf': 'x' } },
    });
    await kube.writeRedisConfiguration(await readRedis('rd-a'), { inline: { 'redis.conf': 'maxclients 2' } });
    const spec = (await readRedis('rd-a')).spec;
    assert.equal(spec.configSecret, undefined);
    assert.deepEqual(spec.configuration, { inline: { 'redis.conf': 'maxclients 2' } });
  });

  void it('writeRedisConfiguration succeeds on a stale read whose configSecret is already gone (no 422, which is fatal)', async () => {
    await createRedis('rd-b', { configSecret: { name: 'old' } });
    const stale = await readRedis('rd-b');
    await custom.patchNamespacedCustomObject(
      {
        ...redises,
        namespace: NS,
        name: 'rd-b',
        body: { spec: { configSecret: null, configuration: { secretName: 'old' } } },
      },
      mergePatch,
    );
    await kube.writeRedisConfiguration(stale, { secretName: 'new' });
    const spec = (await readRedis('rd-b')).spec;
    assert.equal(spec.configSecret, undefined);
    assert.deepEqual(spec.configuration, { secretName: 'new' });
  });

  void it('putSecret sets the given keys and keeps the others (the managed config secret may carry keys KubeDB wrote)', async () => {
    const rd = await createRedis('rd-c', {});
    const owner = { apiVersion: 'kubedb.com/v1', kind: 'Redis', name: 'rd-c', uid: rd.metadata.uid ?? '' };
    await kube.putSecret(
      NS,
      'rd-c-abc123',
      { 'default.conf': 'maxclients 1\n', 'other.conf': 'kept' },
      { owner, labels: { a: '1' } },
    );
    await kube.putSecret(NS, 'rd-c-abc123', { 'default.conf': 'maxclients 2\n' }, { owner, annotations: { b: '2' } });
    const view = await kube.getSecret(NS, 'rd-c-abc123');
    assert.deepEqual(view?.data, { 'default.conf': 'maxclients 2\n', 'other.conf': 'kept' });
    const secret = await core.readNamespacedSecret({ namespace: NS, name: 'rd-c-abc123' });
    assert.deepEqual(secret.metadata?.labels, { a: '1' });
    assert.deepEqual(secret.metadata?.annotations, { b: '2' });
    assert.deepEqual(
      secret.metadata?.ownerReferences?.map((r) => r.uid),
      [owner.uid],
    );
  });

  void it('putSecret on a leftover Secret of an earlier object with the same name makes the new owner its owner', async () => {
    // An ops request deleted and re-created under the same name: its predecessor's rollback Secret may still exist,
    // and must not stay owned by the gone uid (the garbage collector would delete it under the new ops request).
    const ops = (uid: string) => ({
      apiVersion: 'ops.kubedb.com/v1alpha1',
      kind: 'RedisOpsRequest',
      name: 'again',
      uid,
    });
    const created = (await custom.createNamespacedCustomObject({
      group: k.OPS_GROUP,
      version: k.OPS_VERSION,
      plural: k.OPS_PLURAL,
      namespace: NS,
      body: {
        apiVersion: 'ops.kubedb.com/v1alpha1',
        kind: 'RedisOpsRequest',
        metadata: { name: 'again' },
        spec: { type: 'Reconfigure', databaseRef: { name: 'rd-d' }, configuration: { restart: 'false' } },
      },
    })) as { metadata: { uid: string } };
    // A live second owner keeps the garbage collector away from the Secret while the test looks at its references.
    const rd = await createRedis('rd-d', {});
    const other = { apiVersion: 'kubedb.com/v1', kind: 'Redis', name: 'rd-d', uid: rd.metadata.uid ?? '' };
    await core.createNamespacedSecret({
      namespace: NS,
      body: {
        metadata: { name: 'again-rollback', ownerReferences: [{ ...ops('uid-old'), controller: false }, other] },
        data: {},
      },
    });
    await kube.putSecret(NS, 'again-rollback', { 'default.conf': '' }, { owner: ops(created.metadata.uid) });
    const secret = await core.readNamespacedSecret({ namespace: NS, name: 'again-rollback' });
    assert.deepEqual(
      secret.metadata?.ownerReferences?.map((r) => r.uid).sort(),
      [created.metadata.uid, other.uid].sort(),
    );
  });

  void it('names its field manager on every write: managedFields record redis-reconfigure on create, patch and status', async () => {
    const rd = await createRedis('rd-e', {});
    type WithManagedFields = { metadata?: { managedFields?: Array<{ manager?: string; subresource?: string }> } };
    const managers = (obj: unknown): string[] =>
      ((obj as WithManagedFields).metadata?.managedFields ?? [])
        .filter((e) => e.manager === FIELD_MANAGER)
        .map((e) => e.subresource ?? '');
    await kube.writeRedisConfiguration(rd, { secretName: 'x' });
    await kube.writeRedisConditions(await readRedis('rd-e'), []);
    assert.deepEqual(managers(await readRedis('rd-e')).sort(), ['', 'status']);
    await kube.putSecret(NS, 'rd-e-cfg', { a: '1' }, {}); // create
    await kube.putSecret(NS, 'rd-e-cfg', { b: '2' }, {}); // patch
    const secret = await core.readNamespacedSecret({ namespace: NS, name: 'rd-e-cfg' });
    assert.deepEqual(managers(secret), ['']);
    assert.deepEqual(
      secret.metadata?.managedFields?.map((e) => e.manager),
      [FIELD_MANAGER],
      'the patch is recorded under the same manager as the create',
    );
  });
});
