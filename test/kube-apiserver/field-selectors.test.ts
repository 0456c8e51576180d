/** Field selectors through the real kubectl and @kubernetes/client-node: supported fields filter, others are a 400. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { ensureNamespace, raw, requireKubectl, runKubectl, startTestServer } from './helpers.ts';

const NS = 'fs';

void describe('field selectors', () => {
  let s: KubeApiServer;
  let dir: string;
  let kubeconfig: string;
  const kubectl = (args: string[]) => runKubectl(kubeconfig, dir, args);

  before(async () => {
    requireKubectl();
    dir = await mkdtemp(join(tmpdir(), 'field-selectors-'));
    s = await startTestServer();
    kubeconfig = join(dir, 'kubeconfig');
    await s.writeKubeconfig(kubeconfig);
    await ensureNamespace(s, NS);
    await raw(s, 'POST', `/api/v1/namespaces/${NS}/configmaps`, { metadata: { name: 'cm1' }, data: { x: '1' } });
    await raw(s, 'POST', `/api/v1/namespaces/${NS}/pods`, {
      metadata: { name: 'p1' },
      spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'redis:7' }] },
    });
    const event = {
      metadata: { name: 'e1' },
      involvedObject: { kind: 'Redis', name: 'rd', namespace: NS },
      reason: 'Created',
      type: 'Normal',
      reportingComponent: 'kubedb',
    };
    await raw(s, 'POST', `/api/v1/namespaces/${NS}/events`, event);
  });
  after(async () => {
    await s?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  void it('kubectl: unsupported fields fail with the real message, supported ones filter', async () => {
    const bad = await kubectl(['get', 'cm', '-n', NS, '--field-selector', 'data.x=1']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /field label not supported: data\.x/);
    const wrongKind = await kubectl(['get', 'cm', '-n', NS, '--field-selector', 'spec.nodeName=node-1']);
    assert.match(wrongKind.stderr, /field label not supported: spec\.nodeName/);
    const pods = await kubectl([
      'get',
      'pods',
      '-n',
      NS,
      '--field-selector',
      'spec.nodeName=node-1,status.phase=Pending',
      '-o',
      'name',
    ]);
    assert.equal(pods.stdout.trim(), 'pod/p1', pods.stderr);
    const events = await kubectl([
      'get',
      'events',
      '-n',
      NS,
      '--field-selector',
      'involvedObject.name=rd,reason=Created',
      '-o',
      'name',
    ]);
    assert.equal(events.stdout.trim(), 'event/e1', events.stderr);
    const cms = await kubectl(['get', 'cm', '-A', '--field-selector', `metadata.namespace=${NS}`, '-o', 'name']);
    assert.equal(cms.stdout.trim(), 'configmap/cm1', cms.stderr);
  });

  void it('client-node: events by involvedObject (as the e2e flow reads them); an unsupported field is a BadRequest', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(s.kubeconfig());
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const list = await core.listNamespacedEvent({ namespace: NS, fieldSelector: 'involvedObject.name=rd' });
    assert.deepEqual(
      list.items.map((e) => e.metadata?.name),
      ['e1'],
    );
    await assert.rejects(
      core.listNamespacedSecret({ namespace: NS, fieldSelector: 'data.password=x' }),
      (err: unknown) => {
        assert.ok(err instanceof k8s.ApiException);
        assert.equal(err.code, 400);
        const body = JSON.parse(err.body as string);
        assert.equal(body.reason, 'BadRequest');
        assert.equal(body.message, 'field label not supported: data.password');
        return true;
      },
    );
  });

  void it('refuses an unsupported field on watch and deletecollection before doing anything', async () => {
    const watch = await raw(s, 'GET', `/api/v1/namespaces/${NS}/configmaps?watch=1&fieldSelector=data.x%3D1`);
    assert.equal(watch.status, 400);
    assert.equal(watch.json.message, 'field label not supported: data.x');
    const del = await raw(s, 'DELETE', `/api/v1/namespaces/${NS}/configmaps?fieldSelector=data.x%3D1`);
    assert.equal(del.status, 400);
    assert.equal((await raw(s, 'GET', `/api/v1/namespaces/${NS}/configmaps/cm1`)).status, 200);
    const crd = await raw(s, 'GET', `/apis/kubedb.com/v1/namespaces/${NS}/redises?fieldSelector=status.phase%3DReady`);
    assert.equal(crd.status, 400);
    assert.equal(crd.json.message, 'field label not supported: status.phase');
  });
});
