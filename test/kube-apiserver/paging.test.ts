/** Paged lists through @kubernetes/client-node: one snapshot per list, its resourceVersion on every page, 410 when compacted. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { ensureNamespace, eventually, openWatch, raw, startTestServer } from './helpers.ts';

const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

function apiStatus(err: unknown): { code: number; reason: string; message: string } {
  assert.ok(err instanceof k8s.ApiException, `expected ApiException, got ${String(err)}`);
  const body = JSON.parse(err.body as string) as { reason: string; message: string };
  return { code: err.code, reason: body.reason, message: body.message };
}

void describe('paged lists', () => {
  let s: KubeApiServer;
  let core: k8s.CoreV1Api;
  const names = (list: k8s.V1ConfigMapList) => list.items.map((c) => c.metadata!.name);
  const createCm = (namespace: string, name: string) =>
    core.createNamespacedConfigMap({ namespace, body: { metadata: { name } } });

  before(async () => {
    // Small history, so that a test can push a first page's resourceVersion out of it.
    s = await startTestServer({ watchHistory: 20 });
    const kc = new k8s.KubeConfig();
    kc.loadFromString(s.kubeconfig());
    core = kc.makeApiClient(k8s.CoreV1Api);
  });
  after(async () => s.stop());

  void it('serves every page from the first page snapshot and reports its resourceVersion', async () => {
    await ensureNamespace(s, 'snap');
    for (const n of ['a', 'b', 'c', 'd']) await createCm('snap', n);
    const first = await core.listNamespacedConfigMap({ namespace: 'snap', limit: 2 });
    assert.deepEqual(names(first), ['a', 'b']);
    const rv = first.metadata!.resourceVersion!;
    assert.equal(first.metadata!.remainingItemCount, 2);
    // Changes between the pages, to objects of the next page.
    await core.patchNamespacedConfigMap({ namespace: 'snap', name: 'c', body: { data: { changed: 'yes' } } }, merge);
    await core.deleteNamespacedConfigMap({ namespace: 'snap', name: 'd' });
    await createCm('snap', 'e');
    const second = await core.listNamespacedConfigMap({
      namespace: 'snap',
      limit: 2,
      _continue: first.metadata!._continue,
    });
    assert.equal(second.metadata!.resourceVersion, rv);
    assert.deepEqual(names(second), ['c', 'd']);
    assert.equal(second.items[0]!.data, undefined, 'c as it was at the first page');
    assert.equal(second.metadata!._continue, undefined);
    // A watch from the list's resourceVersion then delivers exactly the changes made between the pages.
    const w = await openWatch(s, `/api/v1/namespaces/snap/configmaps?watch=1&resourceVersion=${rv}`);
    try {
      await eventually(() => w.events.length === 3, 'the three changes');
      assert.deepEqual(
        w.events.map((e: { type: string; object: k8s.V1ConfigMap }) => [e.type, e.object.metadata!.name]),
        [
          ['MODIFIED', 'c'],
          ['DELETED', 'd'],
          ['ADDED', 'e'],
        ],
      );
    } finally {
      w.close();
    }
  });

  void it('answers 410 Expired for a continue token whose snapshot left the history', async () => {
    await ensureNamespace(s, 'old');
    for (const n of ['a', 'b']) await createCm('old', n);
    const first = await core.listNamespacedConfigMap({ namespace: 'old', limit: 1 });
    for (let i = 0; i < 25; i++)
      await core.patchNamespacedConfigMap({ namespace: 'old', name: 'b', body: { data: { i: String(i) } } }, merge);
    await assert.rejects(
      core.listNamespacedConfigMap({ namespace: 'old', limit: 1, _continue: first.metadata!._continue }),
      (err) => {
        const st = apiStatus(err);
        assert.equal(st.code, 410);
        assert.equal(st.reason, 'Expired');
        assert.match(st.message, /^The provided continue parameter is too old to display a consistent list result/);
        return true;
      },
    );
  });

  void it('ignores limit with resourceVersion=0 (served from the watch cache) and refuses resourceVersion with continue', async () => {
    await ensureNamespace(s, 'cache');
    for (const n of ['a', 'b', 'c']) await createCm('cache', n);
    const all = await core.listNamespacedConfigMap({ namespace: 'cache', limit: 1, resourceVersion: '0' });
    assert.deepEqual(names(all), ['a', 'b', 'c']);
    assert.equal(all.metadata!._continue, undefined);
    const first = await core.listNamespacedConfigMap({ namespace: 'cache', limit: 1 });
    const both = await raw(
      s,
      'GET',
      `/api/v1/namespaces/cache/configmaps?limit=1&continue=${first.metadata!._continue}&resourceVersion=${first.metadata!.resourceVersion}`,
    );
    assert.equal(both.status, 400);
    assert.equal(both.json.message, 'specifying resource version is not allowed when using continue');
  });

  void it('pages across namespaces from one snapshot, without counting what selectors would filter', async () => {
    for (const ns of ['p', 'p-2']) {
      await ensureNamespace(s, ns);
      for (const n of ['x', 'y'])
        await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: n, labels: { pg: 'yes' } } } });
    }
    const seen: string[] = [];
    let token: string | undefined;
    let rv: string | undefined;
    do {
      const page = await core.listConfigMapForAllNamespaces({
        labelSelector: 'pg=yes',
        limit: 1,
        ...(token ? { _continue: token } : {}),
      });
      assert.equal(page.metadata!.remainingItemCount, undefined);
      rv ??= page.metadata!.resourceVersion;
      assert.equal(page.metadata!.resourceVersion, rv);
      seen.push(...page.items.map((c) => `${c.metadata!.namespace}/${c.metadata!.name}`));
      if (seen.length === 1)
        await core.createNamespacedConfigMap({
          namespace: 'p',
          body: { metadata: { name: 'z', labels: { pg: 'yes' } } },
        });
      token = page.metadata!._continue;
    } while (token);
    assert.deepEqual(seen, ['p/x', 'p/y', 'p-2/x', 'p-2/y']);
  });
});
