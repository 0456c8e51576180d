/* eslint-disable @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- API JSON is checked by the assertions */
/**
 * metadata.managedFields as the real server's field manager records them for every write: manager from
 * `fieldManager` or the User-Agent, operation Update/Apply, FieldsV1 of the fields the write set or changed,
 * ownership moving to the last writer, subresource for status writes; `kubectl get -o yaml` hides them (client-side).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { ensureNamespace, raw, requireKubectl, runKubectl, startTestServer } from './helpers.ts';

const CM = '/api/v1/namespaces/mf/configmaps';
const RD = '/apis/kubedb.com/v1/namespaces/mf/redises';
const MERGE = { contentType: 'application/merge-patch+json' };
const strip = (entries: any[]) => entries.map(({ time, ...e }) => (assert.match(time, /Z$/), e));

void describe('managedFields', () => {
  let s: KubeApiServer;
  let dir: string;
  before(async () => {
    s = await startTestServer();
    await ensureNamespace(s, 'mf');
    dir = await mkdtemp(join(tmpdir(), 'mf-'));
  });
  after(async () => {
    await s.stop();
    await rm(dir, { recursive: true, force: true });
  });

  void it('records the creator, then moves changed fields to the updater', async () => {
    const created = await raw(s, 'POST', `${CM}?fieldManager=creator`, {
      metadata: { name: 'c', labels: { app: 'redis' } },
      data: { a: '1', b: '2' },
    });
    assert.deepEqual(strip(created.json.metadata.managedFields), [
      {
        manager: 'creator',
        operation: 'Update',
        apiVersion: 'v1',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:data': { '.': {}, 'f:a': {}, 'f:b': {} },
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        },
      },
    ]);
    const patched = await raw(
      s,
      'PATCH',
      `${CM}/c?fieldManager=redis-reconfigure`,
      { data: { b: '3', c: '4' } },
      MERGE,
    );
    assert.deepEqual(
      strip(patched.json.metadata.managedFields).map((e) => [e.manager, e.fieldsV1]),
      [
        ['creator', { 'f:data': { '.': {}, 'f:a': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } }],
        ['redis-reconfigure', { 'f:data': { 'f:b': {}, 'f:c': {} } }],
      ],
    );
    // A write that changes nothing leaves managedFields (and resourceVersion) alone.
    const same = await raw(s, 'PATCH', `${CM}/c?fieldManager=third`, { data: { a: '1' } }, MERGE);
    assert.equal(same.json.metadata.resourceVersion, patched.json.metadata.resourceVersion);
    assert.deepEqual(same.json.metadata.managedFields, patched.json.metadata.managedFields);
  });

  void it('derives the manager from the User-Agent and records status writes with their subresource', async () => {
    const rd = await raw(
      s,
      'POST',
      RD,
      {
        apiVersion: 'kubedb.com/v1',
        kind: 'Redis',
        metadata: { name: 'r' },
        spec: { version: '7.2.4', storageType: 'Ephemeral' },
      },
      { userAgent: 'kubedb-operator/v0.40.0 (linux/amd64) kubernetes/abc' },
    );
    assert.equal(rd.status, 201, rd.text);
    assert.deepEqual(
      strip(rd.json.metadata.managedFields).map((e) => [e.manager, e.operation, e.apiVersion]),
      [['kubedb-operator', 'Update', 'kubedb.com/v1']],
    );
    assert.deepEqual(rd.json.metadata.managedFields[0].fieldsV1['f:spec'], {
      '.': {},
      'f:storageType': {},
      'f:version': {},
    });
    const status = await raw(
      s,
      'PATCH',
      `${RD}/r/status?fieldManager=provisioner`,
      { status: { phase: 'Ready' } },
      MERGE,
    );
    const entry = strip(status.json.metadata.managedFields).find((e) => e.manager === 'provisioner');
    assert.deepEqual(entry, {
      manager: 'provisioner',
      operation: 'Update',
      apiVersion: 'kubedb.com/v1',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': { '.': {}, 'f:phase': {} } },
      subresource: 'status',
    });
  });

  void it('keeps Apply entries from server-side apply next to Update entries; kubectl -o yaml hides them', async () => {
    requireKubectl();
    const kubeconfig = join(dir, 'kubeconfig');
    await s.writeKubeconfig(kubeconfig);
    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: mf\ndata:\n  x: "1"\n';
    const applied = await runKubectl(kubeconfig, dir, ['apply', '--server-side', '-f', '-'], manifest);
    assert.equal(applied.code, 0, applied.stderr);
    const edited = await runKubectl(kubeconfig, dir, [
      'patch',
      'cm',
      'applied',
      '-n',
      'mf',
      '-p',
      '{"data":{"y":"2"}}',
    ]);
    assert.equal(edited.code, 0, edited.stderr);
    const live = (await raw(s, 'GET', `${CM}/applied`)).json;
    assert.deepEqual(
      strip(live.metadata.managedFields).map((e) => [e.manager, e.operation]),
      [
        ['kubectl', 'Apply'],
        ['kubectl-patch', 'Update'],
      ],
    );
    const yaml = await runKubectl(kubeconfig, dir, ['get', 'cm', 'applied', '-n', 'mf', '-o', 'yaml']);
    assert.doesNotMatch(yaml.stdout, /managedFields/);
    const shown = await runKubectl(kubeconfig, dir, [
      'get',
      'cm',
      'applied',
      '-n',
      'mf',
      '-o',
      'yaml',
      '--show-managed-fields',
    ]);
    assert.match(shown.stdout, /managedFields:/);
  });
});
