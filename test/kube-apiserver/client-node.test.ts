/* eslint-disable @typescript-eslint/no-explicit-any -- API JSON is checked by the assertions */
/** @kubernetes/client-node 2.0.1 against the local server: CRUD, errors, list/watch, informers through 410 and drops. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { ensureNamespace, eventually, startTestServer } from './helpers.ts';

const G = { group: 'kubedb.com', version: 'v1', plural: 'redises' };
const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

function statusOf(err: unknown): { code: number; body: any } {
  assert.ok(err instanceof k8s.ApiException, `expected ApiException, got ${String(err)}`);
  return { code: err.code, body: typeof err.body === 'string' ? JSON.parse(err.body) : err.body };
}

void describe('@kubernetes/client-node compatibility', () => {
  let s: KubeApiServer;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let custom: k8s.CustomObjectsApi;
  before(async () => {
    s = await startTestServer({ bookmarkIntervalMs: 100 });
    await ensureNamespace(s, 'cn');
    kc = new k8s.KubeConfig();
    kc.loadFromString(s.kubeconfig());
    core = kc.makeApiClient(k8s.CoreV1Api);
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
  });
  after(async () => s.stop());

  void it('does CRUD on core kinds and custom resources', async () => {
    const cm = await core.createNamespacedConfigMap({
      namespace: 'cn',
      body: { metadata: { name: 'cm1' }, data: { a: '1' } },
    });
    assert.equal(cm.metadata?.name, 'cm1');
    const read = await core.readNamespacedConfigMap({ namespace: 'cn', name: 'cm1' });
    assert.equal(read.data?.a, '1');
    read.data = { a: '2' };
    const replaced = await core.replaceNamespacedConfigMap({ namespace: 'cn', name: 'cm1', body: read });
    assert.equal(replaced.data?.a, '2');
    const patched = await core.patchNamespacedConfigMap(
      { namespace: 'cn', name: 'cm1', body: { data: { b: '3' } } },
      merge,
    );
    assert.deepEqual(patched.data, { a: '2', b: '3' });
    const list = await core.listNamespacedConfigMap({ namespace: 'cn' });
    assert.equal(list.items.length, 1);
    await core.deleteNamespacedConfigMap({ namespace: 'cn', name: 'cm1' });

    const rd = await custom.createNamespacedCustomObject({
      ...G,
      namespace: 'cn',
      body: { apiVersion: 'kubedb.com/v1', kind: 'Redis', metadata: { name: 'rd1' }, spec: { version: '7.2.4' } },
    });
    assert.equal(rd.metadata.generation, 1);
    const st = await custom.patchNamespacedCustomObjectStatus(
      { ...G, namespace: 'cn', name: 'rd1', body: { status: { phase: 'Ready' } } },
      merge,
    );
    assert.equal(st.status.phase, 'Ready');
    const applied = await custom.patchNamespacedCustomObject(
      {
        ...G,
        namespace: 'cn',
        name: 'rd1',
        body: { apiVersion: 'kubedb.com/v1', kind: 'Redis', metadata: { name: 'rd1' }, spec: { replicas: 2 } },
        fieldManager: 'test',
        force: true,
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
    );
    assert.equal(applied.spec.replicas, 2);
    assert.equal(applied.spec.version, '7.2.4');
    assert.equal(applied.metadata.generation, 2);
  });

  void it('returns Status errors for 404, 409 and 422', async () => {
    await assert.rejects(core.readNamespacedSecret({ namespace: 'cn', name: 'nope' }), (err) => {
      const { code, body } = statusOf(err);
      assert.equal(code, 404);
      assert.equal(body.reason, 'NotFound');
      assert.equal(body.message, 'secrets "nope" not found');
      return true;
    });
    const rd = await custom.getNamespacedCustomObject({ ...G, namespace: 'cn', name: 'rd1' });
    await custom.patchNamespacedCustomObject(
      { ...G, namespace: 'cn', name: 'rd1', body: { metadata: { labels: { x: 'y' } } } },
      merge,
    );
    await assert.rejects(
      custom.replaceNamespacedCustomObject({ ...G, namespace: 'cn', name: 'rd1', body: rd }),
      (err) => {
        const { code, body } = statusOf(err);
        assert.equal(code, 409);
        assert.equal(body.reason, 'Conflict');
        return true;
      },
    );
    await assert.rejects(
      custom.patchNamespacedCustomObject(
        { ...G, namespace: 'cn', name: 'rd1', body: { spec: { mode: 'Foo' } } },
        merge,
      ),
      (err) => {
        const { code, body } = statusOf(err);
        assert.equal(code, 422);
        assert.equal(body.details.causes[0].field, 'spec.mode');
        return true;
      },
    );
  });

  void it('watches with bookmarks through the raw Watch', async () => {
    const list = await core.listNamespacedPod({ namespace: 'cn' });
    const seen: { phase: string; obj: any }[] = [];
    const watch = new k8s.Watch(kc);
    const ctl = await watch.watch(
      '/api/v1/namespaces/cn/pods',
      { allowWatchBookmarks: true, resourceVersion: list.metadata?.resourceVersion },
      (phase, obj) => seen.push({ phase, obj }),
      () => undefined,
    );
    await core.createNamespacedPod({
      namespace: 'cn',
      body: { metadata: { name: 'w1' }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    });
    await eventually(() => seen.some((e) => e.phase === 'ADDED' && e.obj.metadata.name === 'w1'), 'ADDED event');
    await eventually(
      () => seen.some((e) => e.phase === 'BOOKMARK' && Number(e.obj.metadata.resourceVersion) > 0),
      'BOOKMARK',
    );
    ctl.abort();
  });

  void it('keeps an informer in sync through a forced 410 (relist) and a dropped stream (resume)', async () => {
    const path = '/apis/kubedb.com/v1/namespaces/cn/redises';
    const listFn = () =>
      custom.listNamespacedCustomObject({ ...G, namespace: 'cn' }) as Promise<
        k8s.KubernetesListObject<k8s.KubernetesObject>
      >;
    const informer = k8s.makeInformer(kc, path, listFn);
    const names = () =>
      informer
        .list('cn')
        .map((o) => o.metadata!.name)
        .sort();
    let connects = 0;
    const errors: unknown[] = [];
    informer.on(k8s.CONNECT, () => connects++);
    // client-node's informer stops on any error other than 410: its owner restarts it (here: at once).
    let stopped = false;
    informer.on(k8s.ERROR, (err) => {
      errors.push(err);
      if (!stopped) void informer.start();
    });
    await informer.start();
    const body = (name: string) => ({
      apiVersion: 'kubedb.com/v1',
      kind: 'Redis',
      metadata: { name },
      spec: { version: '7' },
    });
    await custom.createNamespacedCustomObject({ ...G, namespace: 'cn', body: body('inf-a') });
    await eventually(() => names().includes('inf-a'), 'informer sees inf-a');

    s.faults.forceGone();
    await custom.createNamespacedCustomObject({ ...G, namespace: 'cn', body: body('inf-b') });
    await eventually(() => names().includes('inf-b') && connects >= 2, 'informer relists after 410');

    // The relisted informer re-opens its watch after the list (asynchronously): wait for it before dropping it.
    await eventually(() => s.faults.watches.size >= 1, 'informer watching again');
    assert.ok(s.faults.dropWatches() >= 1);
    await custom.createNamespacedCustomObject({ ...G, namespace: 'cn', body: body('inf-c') });
    await custom.deleteNamespacedCustomObject({ ...G, namespace: 'cn', name: 'inf-a' });
    await eventually(
      () => names().includes('inf-c') && !names().includes('inf-a'),
      'informer resumes after a dropped stream',
    );

    s.faults.forceGone(1); // the next watch request answers 410 at once: relist again
    s.faults.dropWatches();
    await custom.createNamespacedCustomObject({ ...G, namespace: 'cn', body: body('inf-d') });
    await eventually(() => names().includes('inf-d'), 'informer recovers from 410 on reconnect');
    stopped = true;
    await informer.stop();
  });
});
