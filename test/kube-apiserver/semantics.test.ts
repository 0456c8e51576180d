/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- API JSON is checked by the assertions */
/** Real-server semantics over raw HTTPS: errors, generation, status subresource, deletion, finalizers, GC. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { ensureNamespace, raw, startTestServer } from './helpers.ts';

const RD = '/apis/kubedb.com/v1/namespaces/sem/redises';
const RDOPS = '/apis/ops.kubedb.com/v1alpha1/namespaces/sem/redisopsrequests';

const redis = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'kubedb.com/v1',
  kind: 'Redis',
  metadata: { name },
  spec: { version: '7.2.4', storageType: 'Ephemeral', ...extra },
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
    for (const n of [
      'pods',
      'pods/status',
      'pods/eviction',
      'namespaces',
      'secrets',
      'configmaps',
      'services',
      'events',
      'serviceaccounts',
    ]) {
      assert.ok(names.includes(n), n);
    }
    const kubedb = (await raw(s, 'GET', '/apis/kubedb.com/v1')).json;
    const rd = kubedb.resources.find((r: any) => r.name === 'redises');
    assert.deepEqual(rd.shortNames, ['rd']);
    assert.ok(rd.categories.includes('kubedb'));
    assert.ok(kubedb.resources.some((r: any) => r.name === 'redises/status'));
    const groups = (await raw(s, 'GET', '/apis')).json.groups.map((g: any) => g.name);
    for (const g of [
      'kubedb.com',
      'ops.kubedb.com',
      'catalog.kubedb.com',
      'apps.k8s.appscode.com',
      'coordination.k8s.io',
      'events.k8s.io',
    ]) {
      assert.ok(groups.includes(g), g);
    }
    const rv = (await raw(s, 'GET', '/apis/catalog.kubedb.com/v1alpha1')).json.resources.find(
      (r: any) => r.name === 'redisversions',
    );
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
    assert.match(
      conflict.json.message,
      /the object has been modified; please apply your changes to the latest version and try again/,
    );
    const noNs = await raw(s, 'POST', '/api/v1/namespaces/nowhere/configmaps', { metadata: { name: 'x' } });
    assert.equal(noNs.status, 404);
    assert.equal(noNs.json.message, 'namespaces "nowhere" not found');
  });

  void it('applies CRD defaults and rejects schema violations with 422 field causes, storing nothing', async () => {
    const ok = await raw(s, 'POST', RDOPS, {
      apiVersion: 'ops.kubedb.com/v1alpha1',
      kind: 'RedisOpsRequest',
      metadata: { name: 'ops1' },
      spec: {
        type: 'Reconfigure',
        databaseRef: { name: 'r1' },
        configuration: { applyConfig: { 'redis.conf': 'maxclients 10' } },
      },
    });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.spec.apply, 'IfReady');
    const bad = await raw(s, 'POST', RDOPS, {
      apiVersion: 'ops.kubedb.com/v1alpha1',
      kind: 'RedisOpsRequest',
      metadata: { name: 'ops2' },
      spec: { type: 'Bogus', databaseRef: { name: 'r1' } },
    });
    assert.equal(bad.status, 422);
    assert.equal(bad.json.reason, 'Invalid');
    assert.equal(bad.json.details.kind, 'RedisOpsRequest');
    assert.equal(bad.json.details.causes[0].field, 'spec.type');
    assert.equal(bad.json.details.causes[0].reason, 'FieldValueNotSupported');
    assert.match(
      bad.json.message,
      /^RedisOpsRequest.ops.kubedb.com "ops2" is invalid: spec.type: Unsupported value: "Bogus"/,
    );
    assert.equal((await raw(s, 'GET', `${RDOPS}/ops2`)).status, 404);
    const badMode = await raw(s, 'POST', RD, redis('r-bad', { mode: 'Foo' }));
    assert.equal(badMode.status, 422);
    assert.equal(badMode.json.details.causes[0].field, 'spec.mode');
    const before = (await raw(s, 'GET', `${RD}/r1`)).json;
    const badPatch = await raw(
      s,
      'PATCH',
      `${RD}/r1`,
      { spec: { mode: 'Foo' } },
      { contentType: 'application/merge-patch+json' },
    );
    assert.equal(badPatch.status, 422);
    assert.deepEqual((await raw(s, 'GET', `${RD}/r1`)).json, before);
  });

  void it('validates labels and annotations of every kind with the real messages (422), storing nothing', async () => {
    const badLabel = await raw(s, 'POST', RD, {
      ...redis('r-label'),
      metadata: { name: 'r-label', labels: { app: 'has space' } },
    });
    assert.equal(badLabel.status, 422, badLabel.text);
    assert.equal(badLabel.json.details.causes[0].field, 'metadata.labels');
    assert.match(
      badLabel.json.message,
      /^Redis.kubedb.com "r-label" is invalid: metadata.labels: Invalid value: "has space": a valid label must be an empty string/,
    );
    assert.equal((await raw(s, 'GET', `${RD}/r-label`)).status, 404);
    const longKey = `redis-reconfigure.io/failover-issued.${'p'.repeat(48)}`;
    const badKey = await raw(
      s,
      'PATCH',
      `${RD}/r1`,
      { metadata: { annotations: { [longKey]: 'x' } } },
      { contentType: 'application/merge-patch+json' },
    );
    assert.equal(badKey.status, 422, badKey.text);
    assert.match(
      badKey.json.message,
      /metadata.annotations: Invalid value: "redis-reconfigure.io\/failover-issued.p+": name part must be no more than 63 characters/,
    );
    const cm = await raw(s, 'POST', '/api/v1/namespaces/sem/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'big', annotations: { a: 'x'.repeat(256 * 1024) } },
    });
    assert.equal(cm.status, 422);
    assert.equal(cm.json.details.causes[0].reason, 'FieldValueTooLong');
  });

  void it('rejects malformed bodies, unknown kinds, bad patches and verbs like the real server', async () => {
    assert.equal((await raw(s, 'POST', RD, '{"metadata": {')).status, 400);
    assert.equal(
      (await raw(s, 'PATCH', `${RD}/r1`, 'a: [b', { contentType: 'application/apply-patch+yaml' })).status,
      400,
    );
    assert.equal((await raw(s, 'GET', '/apis/kubedb.com/v1/namespaces/sem/widgets')).status, 404);
    assert.equal((await raw(s, 'GET', '/apis/nope.example.com/v1')).status, 404);
    const before = (await raw(s, 'GET', `${RD}/r1`)).json;
    const smp = await raw(
      s,
      'PATCH',
      `${RD}/r1`,
      { spec: {} },
      { contentType: 'application/strategic-merge-patch+json' },
    );
    assert.equal(smp.status, 415);
    assert.equal((await raw(s, 'PATCH', `${RD}/r1`, {}, { contentType: 'text/plain' })).status, 415);
    const failedTest = await raw(
      s,
      'PATCH',
      `${RD}/r1`,
      [
        { op: 'test', path: '/spec/version', value: 'nope' },
        { op: 'replace', path: '/spec/version', value: '9' },
      ],
      {
        contentType: 'application/json-patch+json',
      },
    );
    assert.equal(failedTest.status, 422);
    const badPath = await raw(s, 'PATCH', `${RD}/r1`, [{ op: 'remove', path: '/spec/nothing/here' }], {
      contentType: 'application/json-patch+json',
    });
    assert.equal(badPath.status, 422);
    assert.equal(
      (await raw(s, 'PATCH', `${RD}/r1`, { op: 'x' }, { contentType: 'application/json-patch+json' })).status,
      400,
    );
    assert.deepEqual((await raw(s, 'GET', `${RD}/r1`)).json, before);
    assert.equal((await raw(s, 'PUT', RD, redis('r1'))).status, 405);
  });

  void it('bumps generation only on spec changes and isolates the status subresource', async () => {
    const c = (await raw(s, 'POST', RD, redis('gen'))).json;
    assert.equal(c.metadata.generation, 1);
    const labelled = (
      await raw(
        s,
        'PATCH',
        `${RD}/gen`,
        { metadata: { labels: { a: 'b' } } },
        { contentType: 'application/merge-patch+json' },
      )
    ).json;
    assert.equal(labelled.metadata.generation, 1);
    const specd = (
      await raw(s, 'PATCH', `${RD}/gen`, { spec: { replicas: 3 } }, { contentType: 'application/merge-patch+json' })
    ).json;
    assert.equal(specd.metadata.generation, 2);
    // Main-resource writes ignore .status; /status writes ignore everything else.
    const ignored = (
      await raw(
        s,
        'PATCH',
        `${RD}/gen`,
        { status: { phase: 'Ready' } },
        { contentType: 'application/merge-patch+json' },
      )
    ).json;
    assert.equal(ignored.status, undefined);
    const st = await raw(
      s,
      'PATCH',
      `${RD}/gen/status`,
      { spec: { replicas: 9 }, status: { phase: 'Ready', observedGeneration: 2 } },
      { contentType: 'application/merge-patch+json' },
    );
    assert.equal(st.status, 200, st.text);
    assert.equal(st.json.status.phase, 'Ready');
    assert.equal(st.json.spec.replicas, 3);
    assert.equal(st.json.metadata.generation, 2);
    const put = await raw(s, 'PUT', `${RD}/gen/status`, { ...st.json, status: { phase: 'Halted' } });
    assert.equal(put.json.status.phase, 'Halted');
    assert.ok(Number(put.json.metadata.resourceVersion) > Number(st.json.metadata.resourceVersion));
    const noRv = await raw(s, 'PUT', `${RD}/gen`, {
      ...put.json,
      metadata: { ...put.json.metadata, resourceVersion: undefined },
    });
    assert.equal(noRv.status, 422);
  });
});
