/* eslint-disable @typescript-eslint/no-unsafe-argument -- API JSON is checked by the assertions */
/**
 * RBAC (`rbac: true`) and ServiceAccount tokens, with the real kubectl 1.32, @kubernetes/client-node and raw HTTPS:
 * Role/RoleBinding scoping, ClusterRoleBinding for all-namespace lists, subresources, watch, resourceNames, the exact
 * Forbidden messages, and tokens of deleted ServiceAccounts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { KubeApiServer } from '../../infra/local/kube-apiserver/index.ts';
import { raw, requireKubectl, runKubectl, startTestServer } from './helpers.ts';
import { KUBEDB_EXAMPLES } from '../shared-reference.ts';

const EXAMPLES = KUBEDB_EXAMPLES;
const SA_USER = 'system:serviceaccount:demo:reader';
const RDOPS = '/apis/ops.kubedb.com/v1alpha1/namespaces/demo/redisopsrequests';

const SETUP = `
apiVersion: v1
kind: Namespace
metadata: {name: demo}
---
apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: reader, namespace: demo}
---
apiVersion: v1
kind: Secret
metadata: {name: old-acl-secret, namespace: demo}
stringData: {k1: pass1}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: rdops-reader, namespace: demo}
rules:
- apiGroups: [ops.kubedb.com]
  resources: [redisopsrequests]
  verbs: [get, list, watch]
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, delete]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rdops-reader, namespace: demo}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: rdops-reader}
subjects:
- {kind: ServiceAccount, name: reader, namespace: demo}
`;

void describe('RBAC and ServiceAccount tokens', () => {
  let s: KubeApiServer;
  let dir: string;
  let admin: string;
  let sa: string;
  let saToken: string;
  const ok = async (kubeconfig: string, args: string[], input?: string): Promise<string> => {
    const r = await runKubectl(kubeconfig, dir, args, input);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const apply = (yaml: string) => ok(admin, ['apply', '-f', '-'], yaml);
  const asSa = (method: string, path: string, body?: unknown, contentType?: string) =>
    raw(s, method, path, body, { token: saToken, contentType });

  before(async () => {
    requireKubectl();
    dir = await mkdtemp(join(tmpdir(), 'kubectl-rbac-'));
    s = await startTestServer({ rbac: true });
    admin = join(dir, 'admin.kubeconfig');
    await s.writeKubeconfig(admin);
    await apply(SETUP);
    await ok(admin, ['apply', '-f', join(EXAMPLES, 'reconfigure/rdops-reconfigure.yaml')]);
    const saConfig = await s.serviceAccountKubeconfig('demo', 'reader');
    sa = join(dir, 'sa.kubeconfig');
    await writeFile(sa, saConfig, { mode: 0o600 });
    saToken = s.serviceAccountToken('demo', 'reader').token;
  });
  after(async () => {
    await s?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  void it('serves the RBAC kinds to kubectl apply and get', async () => {
    assert.match(await apply(SETUP), /role.rbac.authorization.k8s.io\/rdops-reader unchanged/);
    const out = await ok(admin, ['get', 'roles,rolebindings', '-n', 'demo', '-o', 'wide']);
    assert.match(out, /rolebinding.rbac.authorization.k8s.io\/rdops-reader\s+Role\/rdops-reader\s+\S+\s+demo\/reader/);
    assert.match(await ok(admin, ['get', 'clusterroles']), /cluster-admin/);
    const bad = await runKubectl(
      admin,
      dir,
      ['apply', '-f', '-'],
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: x, namespace: demo}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Secret, name: r}\n',
    );
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /roleRef.kind: Unsupported value: "Secret"/);
  });

  void it('lets a ServiceAccount bound to a Role read redisopsrequests (kubectl and client-node)', async () => {
    assert.match(await ok(sa, ['get', 'rdops', '-n', 'demo']), /rdops-reconfigure\s+Reconfigure/);
    const kc = new k8s.KubeConfig();
    kc.loadFromString(await s.serviceAccountKubeconfig('demo', 'reader'));
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const list = (await custom.listNamespacedCustomObject({
      group: 'ops.kubedb.com',
      version: 'v1alpha1',
      namespace: 'demo',
      plural: 'redisopsrequests',
    })) as {
      items: { metadata: { name: string } }[];
    };
    assert.deepEqual(
      list.items.map((i) => i.metadata.name),
      ['rdops-reconfigure'],
    );
    assert.equal(
      (await asSa('GET', '/version')).status,
      200,
      'discovery and version are open to every authenticated user',
    );
    assert.equal((await asSa('GET', '/apis')).status, 200);
  });

  void it("forbids everything else with the real server's message", async () => {
    const r = await runKubectl(sa, dir, ['get', 'secrets', '-n', 'demo']);
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /Error from server \(Forbidden\): secrets is forbidden: User "system:serviceaccount:demo:reader" cannot list resource "secrets" in API group "" in the namespace "demo"/,
    );
    const get = await asSa('GET', '/api/v1/namespaces/demo/secrets/old-acl-secret');
    assert.equal(get.status, 403);
    assert.deepEqual(get.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `secrets "old-acl-secret" is forbidden: User "${SA_USER}" cannot get resource "secrets" in API group "" in the namespace "demo"`,
      reason: 'Forbidden',
      details: { name: 'old-acl-secret', kind: 'secrets' },
      code: 403,
    });
    const create = await asSa('POST', RDOPS, {
      apiVersion: 'ops.kubedb.com/v1alpha1',
      kind: 'RedisOpsRequest',
      metadata: { name: 'x' },
      spec: {},
    });
    assert.equal(
      create.json.message,
      `redisopsrequests.ops.kubedb.com is forbidden: User "${SA_USER}" cannot create resource "redisopsrequests" in API group "ops.kubedb.com" in the namespace "demo"`,
    );
    const otherNs = await asSa('GET', '/apis/ops.kubedb.com/v1alpha1/namespaces/other/redisopsrequests');
    assert.equal(otherNs.status, 403, 'a RoleBinding grants only in its own namespace');
    const ns = await asSa('GET', '/api/v1/namespaces/demo');
    assert.equal(
      ns.json.message,
      `namespaces "demo" is forbidden: User "${SA_USER}" cannot get resource "namespaces" in API group "" in the namespace "demo"`,
    );
  });

  void it('needs a ClusterRoleBinding to list across all namespaces', async () => {
    const denied = await runKubectl(sa, dir, ['get', 'rdops', '-A']);
    assert.match(
      denied.stderr,
      /cannot list resource "redisopsrequests" in API group "ops.kubedb.com" at the cluster scope/,
    );
    // A RoleBinding to a ClusterRole still grants only inside the binding's namespace.
    await apply(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: rdops-viewer}
rules:
- {apiGroups: [ops.kubedb.com], resources: [redisopsrequests], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rdops-viewer, namespace: other}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: rdops-viewer}
subjects: [{kind: ServiceAccount, name: reader, namespace: demo}]
`);
    assert.equal((await asSa('GET', '/apis/ops.kubedb.com/v1alpha1/namespaces/other/redisopsrequests')).status, 200);
    assert.equal((await asSa('GET', '/apis/ops.kubedb.com/v1alpha1/redisopsrequests')).status, 403);
    await apply(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: rdops-viewer}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: rdops-viewer}
subjects: [{kind: Group, name: "system:serviceaccounts:demo"}]
`);
    assert.match(await ok(sa, ['get', 'rdops', '-A']), /demo\s+rdops-reconfigure/);
    await ok(admin, ['delete', 'clusterrolebinding', 'rdops-viewer']);
    assert.equal(
      (await asSa('GET', '/apis/ops.kubedb.com/v1alpha1/redisopsrequests')).status,
      403,
      'revoked as soon as the binding is gone',
    );
  });

  void it('authorizes subresources separately: pods/eviction and redisopsrequests/status', async () => {
    await raw(s, 'POST', '/api/v1/namespaces/demo/pods', {
      metadata: { name: 'p1' },
      spec: { containers: [{ name: 'c', image: 'redis' }] },
    });
    const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p1', namespace: 'demo' } };
    const denied = await asSa('POST', '/api/v1/namespaces/demo/pods/p1/eviction', eviction);
    assert.equal(denied.status, 403);
    assert.equal(
      denied.json.message,
      `pods "p1" is forbidden: User "${SA_USER}" cannot create resource "pods/eviction" in API group "" in the namespace "demo"`,
    );
    const status = { status: { phase: 'Progressing' } };
    const merge = 'application/merge-patch+json';
    const statusDenied = await asSa('PATCH', `${RDOPS}/rdops-reconfigure/status`, status, merge);
    assert.match(
      statusDenied.json.message,
      /cannot patch resource "redisopsrequests\/status" in API group "ops.kubedb.com"/,
    );
    await apply(`
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: rdops-reader, namespace: demo}
rules:
- {apiGroups: [ops.kubedb.com], resources: [redisopsrequests], verbs: [get, list, watch]}
- {apiGroups: [ops.kubedb.com], resources: [redisopsrequests/status], verbs: [patch]}
- {apiGroups: [""], resources: [pods], verbs: [get, list, delete]}
- {apiGroups: [""], resources: [pods/eviction], verbs: [create]}
`);
    assert.equal((await asSa('POST', '/api/v1/namespaces/demo/pods/p1/eviction', eviction)).status, 201);
    assert.equal((await asSa('PATCH', `${RDOPS}/rdops-reconfigure/status`, status, merge)).status, 200);
    assert.equal(
      (await asSa('PATCH', `${RDOPS}/rdops-reconfigure`, { spec: { type: 'Restart' } }, merge)).status,
      403,
      'status does not grant the main resource',
    );
  });

  void it('authorizes a watch as verb watch, and resourceNames only for named requests', async () => {
    await apply(`
apiVersion: v1
kind: ServiceAccount
metadata: {name: lister, namespace: demo}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: lister, namespace: demo}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [list]}
- {apiGroups: [""], resources: [secrets], verbs: [get, watch], resourceNames: [old-acl-secret]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: lister, namespace: demo}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: lister}
subjects: [{kind: ServiceAccount, name: lister, namespace: demo}]
`);
    const token = s.serviceAccountToken('demo', 'lister').token;
    assert.equal((await raw(s, 'GET', '/api/v1/namespaces/demo/configmaps', undefined, { token })).status, 200);
    const watch = await raw(s, 'GET', '/api/v1/namespaces/demo/configmaps?watch=1', undefined, { token });
    assert.equal(watch.status, 403);
    assert.match(watch.json.message, /cannot watch resource "configmaps"/);
    assert.equal(
      (await raw(s, 'GET', '/api/v1/namespaces/demo/secrets/old-acl-secret', undefined, { token })).status,
      200,
    );
    assert.equal((await raw(s, 'GET', '/api/v1/namespaces/demo/secrets', undefined, { token })).status, 403);
    // A single-object watch (fieldSelector metadata.name) is authorized for that name, as kubectl get <name> -w does.
    const named = await raw(
      s,
      'GET',
      '/api/v1/namespaces/demo/secrets?watch=1&fieldSelector=metadata.name%3Dold-acl-secret&timeoutSeconds=1',
      undefined,
      { token },
    );
    assert.equal(named.status, 200);
  });

  void it('rejects tokens of deleted ServiceAccounts with 401, even after re-creation; admin is unaffected', async () => {
    await apply('apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: temp, namespace: demo}\n');
    const token = (await ok(admin, ['create', 'token', 'temp', '-n', 'demo'])).trim();
    assert.equal((await raw(s, 'GET', '/api', undefined, { token })).status, 200);
    await ok(admin, ['delete', 'serviceaccount', 'temp', '-n', 'demo']);
    assert.equal((await raw(s, 'GET', '/api', undefined, { token })).status, 401);
    await apply('apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: temp, namespace: demo}\n');
    assert.equal(
      (await raw(s, 'GET', '/api', undefined, { token })).status,
      401,
      'a new ServiceAccount with the same name has a new uid',
    );
    await assert.rejects(s.serviceAccountKubeconfig('demo', 'nobody'), /serviceaccounts "nobody" not found/);
    const short = await raw(s, 'POST', '/api/v1/namespaces/demo/serviceaccounts/temp/token', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 60 },
    });
    assert.equal(short.status, 422);
    assert.equal(
      (await raw(s, 'GET', '/api/v1/namespaces/demo/secrets')).status,
      200,
      'the admin (system:masters) is always allowed',
    );
    assert.match(await ok(admin, ['get', 'secrets', '-A']), /old-acl-secret/);
  });
});
