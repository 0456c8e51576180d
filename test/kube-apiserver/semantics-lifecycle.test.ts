/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- API JSON is checked by the assertions */
/** Real-server semantics over raw HTTPS, part 2: deletion, finalizers, GC, selectors, tables, dryRun, faults. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { ensureNamespace, eventually, raw, startTestServer } from './helpers.ts';

const RD = '/apis/kubedb.com/v1/namespaces/sem/redises';
const PODS = '/api/v1/namespaces/sem/pods';

const redis = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'kubedb.com/v1',
  kind: 'Redis',
  metadata: { name },
  spec: { version: '7.2.4', storageType: 'Ephemeral', ...extra },
});

const pod = (name: string, nodeName?: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'redis', idx: name } },
  spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'redis', image: 'redis:7' }] },
});

void describe('kube-apiserver semantics (lifecycle)', () => {
  let s: KubeApiServer;
  before(async () => {
    s = await startTestServer();
    await ensureNamespace(s, 'sem');
  });
  after(async () => s.stop());

  void it('deletes bound pods gracefully, unbound pods at once, and evicts through pods/eviction', async () => {
    await raw(s, 'POST', PODS, pod('unbound'));
    assert.equal((await raw(s, 'DELETE', `${PODS}/unbound`)).status, 200);
    assert.equal((await raw(s, 'GET', `${PODS}/unbound`)).status, 404);

    await raw(s, 'POST', PODS, pod('bound', 'node-1'));
    // The real server answers 200 for a pending (graceful) deletion too; 202 only with orphanDependents=false.
    const del = await raw(s, 'DELETE', `${PODS}/bound`);
    assert.equal(del.status, 200);
    assert.ok(del.json.metadata.deletionTimestamp);
    assert.equal(del.json.metadata.deletionGracePeriodSeconds, 30);
    assert.equal((await raw(s, 'GET', `${PODS}/bound`)).status, 200);
    const shorter = await raw(s, 'DELETE', `${PODS}/bound`, {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      gracePeriodSeconds: 5,
    });
    assert.equal(shorter.json.metadata.deletionGracePeriodSeconds, 5);
    assert.equal((await raw(s, 'DELETE', `${PODS}/bound?gracePeriodSeconds=0`)).status, 200);
    assert.equal((await raw(s, 'GET', `${PODS}/bound`)).status, 404);

    await raw(s, 'POST', PODS, pod('evictme', 'node-1'));
    const ev = await raw(s, 'POST', `${PODS}/evictme/eviction`, {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'evictme', namespace: 'sem' },
    });
    assert.equal(ev.status, 201);
    assert.equal(ev.json.status, 'Success');
    assert.ok((await raw(s, 'GET', `${PODS}/evictme`)).json.metadata.deletionTimestamp);
    const missing = await raw(s, 'POST', `${PODS}/nobody/eviction`, {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'nobody' },
    });
    assert.equal(missing.status, 404);
    // Pod status is kubelet-owned: a new pod starts Pending whatever the creator sent.
    const p = (await raw(s, 'POST', PODS, { ...pod('st'), status: { phase: 'Running' } })).json;
    assert.equal(p.status.phase, 'Pending');
  });

  void it('waits for finalizers and garbage-collects dependents of a removed owner', async () => {
    const owner = (
      await raw(s, 'POST', RD, { ...redis('owner'), metadata: { name: 'owner', finalizers: ['kubedb.com/test'] } })
    ).json;
    const ref = {
      apiVersion: 'kubedb.com/v1',
      kind: 'Redis',
      name: 'owner',
      uid: owner.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    };
    await raw(s, 'POST', '/api/v1/namespaces/sem/secrets', {
      metadata: { name: 'owned', ownerReferences: [ref] },
      stringData: { a: 'b' },
    });
    const secret = (await raw(s, 'GET', '/api/v1/namespaces/sem/secrets/owned')).json;
    assert.equal(secret.data.a, Buffer.from('b').toString('base64'));
    assert.equal(secret.stringData, undefined);
    const del = await raw(s, 'DELETE', `${RD}/owner`);
    assert.equal(del.status, 200);
    assert.equal((await raw(s, 'DELETE', `${RD}/owner?orphanDependents=false`)).status, 202);
    const pending = (await raw(s, 'GET', `${RD}/owner`)).json;
    assert.ok(pending.metadata.deletionTimestamp);
    assert.equal((await raw(s, 'GET', '/api/v1/namespaces/sem/secrets/owned')).status, 200);
    const added = await raw(
      s,
      'PATCH',
      `${RD}/owner`,
      { metadata: { finalizers: ['kubedb.com/test', 'b/late', 'a/late'] } },
      { contentType: 'application/merge-patch+json' },
    );
    assert.equal(added.status, 422);
    assert.equal(added.json.reason, 'Invalid');
    assert.equal(
      added.json.message,
      'Redis.kubedb.com "owner" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"a/late", "b/late"}',
    );
    assert.deepEqual((await raw(s, 'GET', `${RD}/owner`)).json.metadata.finalizers, ['kubedb.com/test']);
    const fin = await raw(
      s,
      'PATCH',
      `${RD}/owner`,
      { metadata: { finalizers: null } },
      { contentType: 'application/merge-patch+json' },
    );
    assert.equal(fin.status, 200);
    assert.equal((await raw(s, 'GET', `${RD}/owner`)).status, 404);
    await eventually(
      async () => (await raw(s, 'GET', '/api/v1/namespaces/sem/secrets/owned')).status === 404,
      'dependent secret collected',
    );
  });

  void it('filters lists by label and field selectors and pages with limit/continue', async () => {
    await ensureNamespace(s, 'sel');
    for (const [i, phase] of ['a', 'b', 'c', 'd'].entries()) {
      await raw(s, 'POST', '/api/v1/namespaces/sel/pods', {
        ...pod(`p-${phase}`, i % 2 ? 'node-2' : 'node-1'),
        metadata: { name: `p-${phase}`, labels: { tier: i < 2 ? 'db' : 'cache', idx: String(i) } },
      });
    }
    const names = async (q: string) =>
      (await raw(s, 'GET', `/api/v1/namespaces/sel/pods?${q}`)).json.items.map((p: any) => p.metadata.name);
    assert.deepEqual(await names('labelSelector=tier%3Ddb'), ['p-a', 'p-b']);
    assert.deepEqual(await names('labelSelector=tier!%3Ddb'), ['p-c', 'p-d']);
    assert.deepEqual(await names('labelSelector=idx%20in%20(0,3)'), ['p-a', 'p-d']);
    assert.deepEqual(await names('labelSelector=idx%20notin%20(0,3),tier'), ['p-b', 'p-c']);
    assert.deepEqual(await names('labelSelector=!tier'), []);
    assert.deepEqual(await names('fieldSelector=spec.nodeName%3Dnode-2'), ['p-b', 'p-d']);
    assert.deepEqual(await names('fieldSelector=metadata.name%3Dp-c,status.phase%3DPending'), ['p-c']);
    const page1 = (await raw(s, 'GET', '/api/v1/namespaces/sel/pods?limit=3')).json;
    assert.equal(page1.items.length, 3);
    assert.ok(page1.metadata.continue);
    const page2 = (await raw(s, 'GET', `/api/v1/namespaces/sel/pods?limit=3&continue=${page1.metadata.continue}`)).json;
    assert.deepEqual(
      page2.items.map((p: any) => p.metadata.name),
      ['p-d'],
    );
    assert.equal(page2.metadata.continue, undefined);
    const all = (await raw(s, 'GET', '/api/v1/pods')).json;
    assert.ok(all.items.length >= 4);
    assert.match(all.metadata.resourceVersion, /^\d+$/);
  });

  void it('prints Tables with CRD printer columns and pod default columns', async () => {
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
    const t = (await raw(s, 'GET', RD, undefined, { accept })).json;
    assert.equal(t.kind, 'Table');
    assert.deepEqual(
      t.columnDefinitions.map((c: any) => c.name),
      ['Name', 'Version', 'Status', 'Age'],
    );
    const pods = (await raw(s, 'GET', '/api/v1/namespaces/sel/pods', undefined, { accept })).json;
    assert.deepEqual(
      pods.columnDefinitions.filter((c: any) => c.priority === 0).map((c: any) => c.name),
      ['Name', 'Ready', 'Status', 'Restarts', 'Age'],
    );
    assert.equal(pods.rows[0].cells[2], 'Pending');
  });

  void it('supports dryRun, generateName and namespace termination', async () => {
    const dry = await raw(s, 'POST', `${RD}?dryRun=All`, redis('dry'));
    assert.equal(dry.status, 201);
    assert.equal((await raw(s, 'GET', `${RD}/dry`)).status, 404);
    const gen = await raw(s, 'POST', '/api/v1/namespaces/sem/configmaps', {
      metadata: { generateName: 'cm-' },
      data: { a: '1' },
    });
    assert.match(gen.json.metadata.name, /^cm-[a-z0-9]{5}$/);
    await ensureNamespace(s, 'doomed');
    await raw(s, 'POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'x' } });
    const del = await raw(s, 'DELETE', '/api/v1/namespaces/doomed');
    assert.equal(del.json.status.phase, 'Terminating');
    await eventually(
      async () => (await raw(s, 'GET', '/api/v1/namespaces/doomed')).status === 404,
      'namespace removed',
    );
    assert.equal((await raw(s, 'GET', '/api/v1/namespaces/doomed/configmaps/x')).status, 404);
  });

  void it('injects faults deterministically', async () => {
    // r1 was created by an earlier test before the semantics suite was split in two: this test owns it now.
    assert.equal((await raw(s, 'POST', RD, redis('r1'))).status, 201);
    s.faults.failNext('get', 1, 503);
    const r = await raw(s, 'GET', `${RD}/r1`);
    assert.equal(r.status, 503);
    assert.equal(r.json.reason, 'ServiceUnavailable');
    assert.equal((await raw(s, 'GET', `${RD}/r1`)).status, 200);
    s.faults.random = () => 0.1;
    s.faults.set('create', { errorRate: 0.5, code: 429 });
    const tooMany = await raw(s, 'POST', '/api/v1/namespaces/sem/configmaps', { metadata: { name: 'f1' } });
    assert.equal(tooMany.status, 429);
    assert.equal(tooMany.headers['retry-after'], '1');
    s.faults.random = () => 0.9;
    assert.equal((await raw(s, 'POST', '/api/v1/namespaces/sem/configmaps', { metadata: { name: 'f1' } })).status, 201);
    s.faults.reset();
  });
});
