/**
 * The real KubeAdapter against the local Kubernetes API server (HTTPS, real patch semantics): what its writes leave on
 * the objects, including when the object it was given is already stale.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { KubeAdapter } from '../../shared/adapters/kube/kube-adapter.ts';
import * as k from '../../shared/kubedb/constants.ts';
import type { Redis } from '../../shared/kubedb/types.ts';
import { ensureNamespace, startTestServer } from '../kube-apiserver/helpers.ts';

const NS = 'adapter';
const redises = { group: k.KUBEDB_GROUP, version: k.KUBEDB_VERSION, plural: k.REDIS_PLURAL };
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

void describe('KubeAdapter on the local API server', () => {
  let server: KubeApiServer;
  let custom: CustomObjectsApi;
  let kube: KubeAdapter;
  before(async () => {
    server = await startTestServer();
    await ensureNamespace(server, NS);
    const kc = new KubeConfig();
    kc.loadFromString(server.kubeconfig());
    custom = kc.makeApiClient(CustomObjectsApi);
    kube = new KubeAdapter(kc);
  });
  after(async () => server?.stop());

  const createRedis = async (name: string, spec: Record<string, unknown>): Promise<Redis> =>
    (await custom.createNamespacedCustomObject({ ...redises, namespace: NS, body: { apiVersion: 'kubedb.com/v1', kind: 'Redis', metadata: { name }, spec: { version: '7.2.4', ...spec } } })) as Redis;
  const readRedis = async (name: string): Promise<Redis> => (await custom.getNamespacedCustomObject({ ...redises, namespace: NS, name })) as Redis;

  void it('writeRedisConfiguration points the Redis at the new config: drops configSecret, removed inline keys, a dropped secretName', async () => {
    await createRedis('rd-a', { configSecret: { name: 'old' }, configuration: { secretName: 'old', inline: { 'redis.conf': 'maxclients 1', 'other.conf': 'x' } } });
    await kube.writeRedisConfiguration(await readRedis('rd-a'), { inline: { 'redis.conf': 'maxclients 2' } });
    const spec = (await readRedis('rd-a')).spec;
    assert.equal(spec.configSecret, undefined);
    assert.deepEqual(spec.configuration, { inline: { 'redis.conf': 'maxclients 2' } });
  });

  void it('writeRedisConfiguration succeeds on a stale read whose configSecret is already gone (no 422, which is fatal)', async () => {
    await createRedis('rd-b', { configSecret: { name: 'old' } });
    const stale = await readRedis('rd-b');
    await custom.patchNamespacedCustomObject({ ...redises, namespace: NS, name: 'rd-b', body: { spec: { configSecret: null, configuration: { secretName: 'old' } } } }, mergePatch);
    await kube.writeRedisConfiguration(stale, { secretName: 'new' });
    const spec = (await readRedis('rd-b')).spec;
    assert.equal(spec.configSecret, undefined);
    assert.deepEqual(spec.configuration, { secretName: 'new' });
  });
});
