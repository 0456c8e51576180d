/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- API JSON is checked by the assertions */
/** Real-server semantics over raw HTTPS: errors, generation, status subresource, deletion, finalizers, GC. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { ensureNamespace, eventually, raw, startTestServer } from './helpers.ts';

const RD = '/apis/kubedb.com/v1/namespaces/sem/redises';
const RDOPS = '/apis/ops.kubedb.com/v1alpha1/namespaces/sem/redisopsrequests';
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

void describe('kube-apiserver semantics', () => {
  let s: KubeApiServer;
  before(async () => {
    s = await startTestServer();
    await ensureNamespace(s, 'sem');
  });
  after(async () => s.stop());

  void it('authenticates bearer tokens and serves health without them', async () => {
    const r = await raw(s, 'GET', '/api/v1/namespaces', undefined, { token: null });
    assert.equal(r.status, 401);
    assert.equal(r.json.kind, 'Status');
    assert.equal(r.json.reason, 'Unauthorized');
    assert.equal((await raw(s, 'GET', '/api/v1/namespaces', undefined, { token: 'nope' })).status, 401);
    assert.equal((await raw(s, 'GET', '/healthz', undefined, { token: null })).text, 'ok');
  });

  void it('serves discovery with subresources, short names and categories', async () => {
    const core = (await raw(s, 'GET', '/api/v1')).json;
    const names = core.resources.map((r: any) => r.name);
    for (const n of ['pods', 'pods/status', 'pods/eviction', 'namespaces', 'secrets', 'configmaps', 'services', 'events', 'serviceaccounts']) {
      assert.ok(names.includes(n), n);
    }
    const kubedb = (await raw(s, 'GET', '/apis/kubedb.com/v1')).json;
    const rd = kubedb.resources.find((r: any) => r.name === 'redises');
    assert.deepEqual(rd.shortNames, ['rd']);
    assert.ok(rd.categories.includes('kubedb'));
    assert.ok(kubedb.resources.some((r: any) => r.name === 'redises/status'));
    const groups = (await raw(s, 'GET', '/apis')).json.groups.map((g: any) => g.name);
    for (const g of ['kubedb.com', 'ops.kubedb.com', 'catalog.kubedb.com', 'apps.k8s.appscode.com', 'coordination.k8s.io', 'events.k8s.io']) {
      assert.ok(groups.includes(g), g);
    }
    const rv = (await raw(s, 'GET', '/apis/catalog.kubedb.com/v1alpha1')).json.resources.find((r: any) => r.name === 'redisversions');
    assert.equal(rv.namespaced, false);
    assert.equal((await raw(s, 'GET', '/version')).json.major, '1');
  });

  void it('returns the real Status shapes for 404, 409 AlreadyExists, 409 Conflict and missing namespace', async () => {
    const nf = await raw(s, 'GET', `${RD}/missing`);
    assert.equal(nf.status, 404);
    assert.deepEqual(nf.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'redises.kubedb.com "missing" not found',
      reason: 'NotFound',
      details: { name: 'missing', group: 'kubedb.com', kind: 'redises' },
      code: 404,
    });
    const created = await raw(s, 'POST', RD, redis('r1'));
    assert.equal(created.status, 201);
    const dup = await raw(s, 'POST', RD, redis('r1'));
    assert.equal(dup.status, 409);
    assert.equal(dup.json.reason, 'AlreadyExists');
    const stale = { ...created.json, metadata: { ...created.json.metadata, resourceVersion: '1' } };
    const conflict = await raw(s, 'PUT', `${RD}/r1`, stale);
    assert.equal(conflict.status, 409);
    assert.equal(conflict.json.reason, 'Conflict');
    assert.match(conflict.json.message, /the object has been modified; please apply your changes to the latest version and try again/);
    const noNs = await raw(s, 'POST', '/api/v1/namespaces/nowhere/configmaps', { metadata: { name: 'x' } });
    assert.equal(noNs.status, 404);
    assert.equal(noNs.json.message, 'namespaces "nowhere" not found');
  });

  void it('applies CRD defaults and rejects schema violations with 422 field causes, storing nothing', async () => {
    const ok = await raw(s, 'POST', RDOPS, {
      apiVersion: 'ops.kubedb.com/v1alpha1',
      kind: 'RedisOpsRequest',
      metadata: { name: 'ops1' },
      spec: { type: 'Reconfigure', databaseRef: { name: 'r1' }, configuration: { applyConfig: { 'redis.conf': 'maxclients 10' } } },
    });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.spec.apply, 'IfReady');
    const bad = await raw(s, 'POST', RDOPS, { apiVersion: 'ops.kubedb.com/v1alpha1', kind: 'RedisOpsRequest', metadata: { name: 'ops2' }, spec: { type: 'Bogus', databaseRef: { name: 'r1' } } });
    assert.equal(bad.status, 422);
    assert.equal(bad.json.reason, 'Invalid');
    assert.equal(bad.json.details.kind, 'RedisOpsRequest');
    assert.equal(bad.json.details.causes[0].field, 'spec.type');
    assert.equal(bad.json.details.causes[0].reason, 'FieldValueNotSupported');
    assert.match(bad.json.message, /^RedisOpsRequest.ops.kubedb.com "ops2" is invalid: spec.type: Unsupported value: "Bogus"/);
    assert.equal((await raw(s, 'GET', `${RDOPS}/ops2`)).status, 404);
    const badMode = await raw(s, 'POST', RD, redis('r-bad', { mode: 'Foo' }));
    assert.equal(badMode.status, 422);
    assert.equal(badMode.json.details.causes[0].field, 'spec.mode');
    const before = (await raw(s, 'GET', `${RD}/r1`)).json;
    const badPatch = await raw(s, 'PATCH', `${RD}/r1`, { spec: { mode: 'Foo' } }, { contentType: 'application/merge-patch+json' });
    assert.equal(badPatch.status, 422);
    assert.deepEqual((await raw(s, 'GET', `${RD}/r1`)).json, before);
  });

  void it('validates labels and annotations of every kind with the real messages (422), storing nothing', async () => {
    const badLabel = await raw(s, 'POST', RD, { ...redis('r-label'), metadata: { name: 'r-label', labels: { app: 'has space' } } });
    assert.equal(badLabel.status, 422, badLabel.text);
    assert.equal(badLabel.json.details.causes[0].field, 'metadata.labels');
    assert.match(badLabel.json.message, /^Redis.kubedb.com "r-label" is invalid: metadata.labels: Invalid value: "has space": a valid label must be an empty string/);
    assert.equal((await raw(s, 'GET', `${RD}/r-label`)).status, 404);
    const longKey = `redis-reconfigure.io/failover-issued.${'p'.repeat(48)}`;
    const badKey = await raw(s, 'PATCH', `${RD}/r1`, { metadata: { annotations: { [longKey]: 'x' } } }, { contentType: 'application/merge-patch+json' });
    assert.equal(badKey.status, 422, badKey.text);
    assert.match(badKey.json.message, /metadata.annotations: Invalid value: "redis-reconfigure.io\/failover-issued.p+": name part must be no more than 63 characters/);
    const cm = await raw(s, 'POST', '/api/v1/namespaces/sem/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', annotations: { a: 'x'.repeat(256 * 1024) } } });
    assert.equal(cm.status, 422);
    assert.equal(cm.json.details.causes[0].reason, 'FieldValueTooLong');
  });

  void it('rejects malformed bodies, unknown kinds, bad patches and verbs like the real server', async () => {
    assert.equal((await raw(s, 'POST', RD, '{"metadata": {')).status, 400);
    assert.equal((await raw(s, 'PATCH', `${RD}/r1`, 'a: [b', { contentType: 'application/apply-patch+yaml' })).status, 400);
    assert.equal((await raw(s, 'GET', '/apis/kubedb.com/v1/namespaces/sem/widgets')).status, 404);
    assert.equal((await raw(s, 'GET', '/apis/nope.example.com/v1')).status, 404);
    const before = (await raw(s, 'GET', `${RD}/r1`)).json;
    const smp = await raw(s, 'PATCH', `${RD}/r1`, { spec: {} }, { contentType: 'application/strategic-merge-patch+json' });
    assert.equal(smp.status, 415);
    assert.equal((await raw(s, 'PATCH', `${RD}/r1`, {}, { contentType: 'text/plain' })).status, 415);
    const failedTest = await raw(s, 'PATCH', `${RD}/r1`, [{ op: 'test', path: '/spec/version', value: 'nope' }, { op: 'replace', path: '/spec/version', value: '9' }], {
      contentType: 'application/json-patch+json',
    });
    assert.equal(failedTest.status, 422);
    const badPath = await raw(s, 'PATCH', `${RD}/r1`, [{ op: 'remove', path: '/spec/nothing/here' }], { contentType: 'application/json-patch+json' });
    assert.equal(badPath.status, 422);
    assert.equal((await raw(s, 'PATCH', `${RD}/r1`, { op: 'x' }, { contentType: 'application/json-patch+json' })).status, 400);
    assert.deepEqual((await raw(s, 'GET', `${RD}/r1`)).json, before);
    assert.equal((await raw(s, 'PUT', RD, redis('r1'))).status, 405);
  });

  void it('bumps generation only on spec changes and isolates the status subresource', async () => {
    const c = (await raw(s, 'POST', RD, redis('gen'))).json;
    assert.equal(c.metadata.generation, 1);
    const labelled = (await raw(s, 'PATCH', `${RD}/gen`, { metadata: { labels: { a: 'b' } } }, { contentType: 'application/merge-patch+json' })).json;
    assert.equal(labelled.metadata.generation, 1);
    const specd = (await raw(s, 'PATCH', `${RD}/gen`, { spec: { replicas: 3 } }, { contentType: 'application/merge-patch+json' })).json;
    assert.equal(specd.metadata.generation, 2);
    // Main-resource writes ignore .status; /status writes ignore everything else.
    const ignored = (await raw(s, 'PATCH', `${RD}/gen`, { status: { phase: 'Ready' } }, { contentType: 'application/merge-patch+json' })).json;
    assert.equal(ignored.status, undefined);
    const st = await raw(s, 'PATCH', `${RD}/gen/status`, { spec: { replicas: 9 }, status: { phase: 'Ready', observedGeneration: 2 } }, { contentType: 'application/merge-patch+json' });
    assert.equal(st.status, 200, st.text);
    assert.equal(st.json.status.phase, 'Ready');
    assert.equal(st.json.spec.replicas, 3);
    assert.equal(st.json.metadata.generation, 2);
    const put = await raw(s, 'PUT', `${RD}/gen/status`, { ...st.json, status: { phase: 'Halted' } });
    assert.equal(put.json.status.phase, 'Halted');
    assert.ok(Number(put.json.metadata.resourceVersion) > Number(st.json.metadata.resourceVersion));
    const noRv = await raw(s, 'PUT', `${RD}/gen`, { ...put.json, metadata: { ...put.json.metadata, resourceVersion: undefined } });
    assert.equal(noRv.status, 422);
  });

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
    const shorter = await raw(s, 'DELETE', `${PODS}/bound`, { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 5 });
    assert.equal(shorter.json.metadata.deletionGracePeriodSeconds, 5);
    assert.equal((await raw(s, 'DELETE', `${PODS}/bound?gracePeriodSeconds=0`)).status, 200);
    assert.equal((await raw(s, 'GET', `${PODS}/bound`)).status, 404);

    await raw(s, 'POST', PODS, pod('evictme', 'node-1'));
    const ev = await raw(s, 'POST', `${PODS}/evictme/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'evictme', namespace: 'sem' } });
    assert.equal(ev.status, 201);
    assert.equal(ev.json.status, 'Success');
    assert.ok((await raw(s, 'GET', `${PODS}/evictme`)).json.metadata.deletionTimestamp);
    const missing = await raw(s, 'POST', `${PODS}/nobody/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'nobody' } });
    assert.equal(missing.status, 404);
    // Pod status is kubelet-owned: a new pod starts Pending whatever the creator sent.
    const p = (await raw(s, 'POST', PODS, { ...pod('st'), status: { phase: 'Running' } })).json;
    assert.equal(p.status.phase, 'Pending');
  });

  void it('waits for finalizers and garbage-collects dependents of a removed owner', async () => {
    const owner = (await raw(s, 'POST', RD, { ...redis('owner'), metadata: { name: 'owner', finalizers: ['kubedb.com/test'] } })).json;
    const ref = { apiVersion: 'kubedb.com/v1', kind: 'Redis', name: 'owner', uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
    await raw(s, 'POST', '/api/v1/namespaces/sem/secrets', { metadata: { name: 'owned', ownerReferences: [ref] }, stringData: { a: 'b' } });
    const secret = (await raw(s, 'GET', '/api/v1/namespaces/sem/secrets/owned')).json;
    assert.equal(secret.data.a, Buffer.from('b').toString('base64'));
    assert.equal(secret.stringData, undefined);
    const del = await raw(s, 'DELETE', `${RD}/owner`);
    assert.equal(del.status, 200);
    assert.equal((await raw(s, 'DELETE', `${RD}/owner?orphanDependents=false`)).status, 202);
    const pending = (await raw(s, 'GET', `${RD}/owner`)).json;
    assert.ok(pending.metadata.deletionTimestamp);
    assert.equal((await raw(s, 'GET', '/api/v1/namespaces/sem/secrets/owned')).status, 200);
    const added = await raw(s, 'PATCH', `${RD}/owner`, { metadata: { finalizers: ['kubedb.com/test', 'b/late', 'a/late'] } }, { contentType: 'application/merge-patch+json' });
    assert.equal(added.status, 422);
    assert.equal(added.json.reason, 'Invalid');
    assert.equal(
      added.json.message,
      'Redis.kubedb.com "owner" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"a/late", "b/late"}',
    );
    assert.deepEqual((await raw(s, 'GET', `${RD}/owner`)).json.metadata.finalizers, ['kubedb.com/test']);
    const fin = await raw(s, 'PATCH', `${RD}/owner`, { metadata: { finalizers: null } }, { contentType: 'application/merge-patch+json' });
    assert.equal(fin.status, 200);
    assert.equal((await raw(s, 'GET', `${RD}/owner`)).status, 404);
    await eventually(async () => (await raw(s, 'GET', '/api/v1/namespaces/sem/secrets/owned')).status === 404, 'dependent secret collected');
  });

  void it('filters lists by label and field selectors and pages with limit/continue', async () => {
    await ensureNamespace(s, 'sel');
    for (const [i, phase] of ['a', 'b', 'c', 'd'].entries()) {
      await raw(s, 'POST', '/api/v1/namespaces/sel/pods', { ...pod(`p-${phase}`, i % 2 ? 'node-2' : 'node-1'), metadata: { name: `p-${phase}`, labels: { tier: i < 2 ? 'db' : 'cache', idx: String(i) } } });
    }
    const names = async (q: string) => (await raw(s, 'GET', `/api/v1/namespaces/sel/pods?${q}`)).json.items.map((p: any) => p.metadata.name);
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
    assert.deepEqual(page2.items.map((p: any) => p.metadata.name), ['p-d']);
    assert.equal(page2.metadata.continue, undefined);
    const all = (await raw(s, 'GET', '/api/v1/pods')).json;
    assert.ok(all.items.length >= 4);
    assert.match(all.metadata.resourceVersion, /^\d+$/);
  });

  void it('prints Tables with CRD printer columns and pod default columns', async () => {
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
    const t = (await raw(s, 'GET', RD, undefined, { accept })).json;
    assert.equal(t.kind, 'Table');
    assert.deepEqual(t.columnDefinitions.map((c: any) => c.name), ['Name', 'Version', 'Status', 'Age']);
    const pods = (await raw(s, 'GET', '/api/v1/namespaces/sel/pods', undefined, { accept })).json;
    assert.deepEqual(pods.columnDefinitions.filter((c: any) => c.priority === 0).map((c: any) => c.name), ['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    assert.equal(pods.rows[0].cells[2], 'Pending');
  });

  void it('supports dryRun, generateName and namespace termination', async () => {
    const dry = await raw(s, 'POST', `${RD}?dryRun=All`, redis('dry'));
    assert.equal(dry.status, 201);
    assert.equal((await raw(s, 'GET', `${RD}/dry`)).status, 404);
    const gen = await raw(s, 'POST', '/api/v1/namespaces/sem/configmaps', { metadata: { generateName: 'cm-' }, data: { a: '1' } });
    assert.match(gen.json.metadata.name, /^cm-[a-z0-9]{5}$/);
    await ensureNamespace(s, 'doomed');
    await raw(s, 'POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'x' } });
    const del = await raw(s, 'DELETE', '/api/v1/namespaces/doomed');
    assert.equal(del.json.status.phase, 'Terminating');
    await eventually(async () => (await raw(s, 'GET', '/api/v1/namespaces/doomed')).status === 404, 'namespace removed');
    assert.equal((await raw(s, 'GET', '/api/v1/namespaces/doomed/configmaps/x')).status, 404);
  });

  void it('injects faults deterministically', async () => {
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
