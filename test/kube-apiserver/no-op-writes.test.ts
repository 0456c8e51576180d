/* eslint-disable @typescript-eslint/no-unsafe-return -- API JSON is checked by the assertions */
/** Writes that change nothing, seen through @kubernetes/client-node: no new resourceVersion, generation or watch event. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { ensureNamespace, eventually, openWatch, startTestServer } from './helpers.ts';

const NS = 'noop';
const G = { group: 'kubedb.com', version: 'v1', plural: 'redises', namespace: NS };
const jsonPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);
const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

void describe('no-op writes', () => {
  let s: KubeApiServer;
  let custom: k8s.CustomObjectsApi;
  before(async () => {
    s = await startTestServer();
    await ensureNamespace(s, NS);
    const kc = new k8s.KubeConfig();
    kc.loadFromString(s.kubeconfig());
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
  });
  after(async () => s.stop());

  void it('ignores key order: a same-value JSON patch replace or a reordered PUT keeps resourceVersion and generation', async () => {
    const body = {
      apiVersion: 'kubedb.com/v1',
      kind: 'Redis',
      metadata: { name: 'same' },
      spec: { version: '7.2.4', storageType: 'Ephemeral', replicas: 1 },
    };
    const created = await custom.createNamespacedCustomObject({ ...G, body });
    const { resourceVersion, generation } = created.metadata;
    const watch = await openWatch(
      s,
      `/apis/kubedb.com/v1/namespaces/${NS}/redises?watch=1&resourceVersion=${resourceVersion}`,
    );
    try {
      // JSON patch `replace` is remove + add: the key moves to the end of spec, with the same value.
      const replaced = await custom.patchNamespacedCustomObject(
        { ...G, name: 'same', body: [{ op: 'replace', path: '/spec/version', value: '7.2.4' }] },
        jsonPatch,
      );
      assert.equal(replaced.metadata.resourceVersion, resourceVersion);
      assert.equal(replaced.metadata.generation, generation);
      const reordered = { ...created, spec: { replicas: 1, storageType: 'Ephemeral', version: '7.2.4' } };
      const put = await custom.replaceNamespacedCustomObject({ ...G, name: 'same', body: reordered });
      assert.equal(put.metadata.resourceVersion, resourceVersion);
      assert.equal(put.metadata.generation, generation);
      // A real change afterwards is the first event the watch sees.
      await custom.patchNamespacedCustomObject(
        { ...G, name: 'same', body: { metadata: { labels: { changed: 'yes' } } } },
        mergePatch,
      );
      await eventually(() => watch.events.length > 0, 'the label change event');
      assert.deepEqual(
        watch.events.map((e) => [e.type, e.object.metadata.labels?.changed]),
        [['MODIFIED', 'yes']],
      );
      const after = await custom.getNamespacedCustomObject({ ...G, name: 'same' });
      assert.equal(after.metadata.generation, generation);
    } finally {
      watch.close();
    }
  });

  void it('still bumps generation when a spec value changes', async () => {
    const body = {
      apiVersion: 'kubedb.com/v1',
      kind: 'Redis',
      metadata: { name: 'changed' },
      spec: { version: '7.2.4', storageType: 'Ephemeral' },
    };
    const created = await custom.createNamespacedCustomObject({ ...G, body });
    const patched = await custom.patchNamespacedCustomObject(
      { ...G, name: 'changed', body: [{ op: 'replace', path: '/spec/version', value: '7.4.0' }] },
      jsonPatch,
    );
    assert.equal(patched.metadata.generation, created.metadata.generation + 1);
    assert.notEqual(patched.metadata.resourceVersion, created.metadata.resourceVersion);
  });
});
