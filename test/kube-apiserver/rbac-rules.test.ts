/** RBAC rule matching and aggregation (unit), and ServiceAccount tokens surviving a restart with a stateDir. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RequestAttributes } from '../../infra/local/kube-apiserver/auth.ts';
import { RbacAuthorizer } from '../../infra/local/kube-apiserver/rbac-authorizer.ts';
import { type PolicyRule, ruleAllows } from '../../infra/local/kube-apiserver/rbac-rules.ts';
import { ObjectStore } from '../../infra/local/kube-apiserver/store.ts';
import { ensureNamespace, raw, startTestServer } from './helpers.ts';

const user = { username: 'u', groups: ['system:authenticated'] };
const req = (over: Partial<RequestAttributes>): RequestAttributes => ({
  user,
  verb: 'get',
  resourceRequest: true,
  apiGroup: '',
  resource: 'pods',
  subresource: '',
  namespace: 'demo',
  name: '',
  path: '',
  ...over,
});

void describe('RBAC rule matching', () => {
  void it('matches verbs, groups, resources, subresources and resourceNames like the real evaluator', () => {
    const pods: PolicyRule = { verbs: ['get', 'create'], apiGroups: [''], resources: ['pods'] };
    assert.equal(ruleAllows(pods, req({})), true);
    assert.equal(
      ruleAllows(pods, req({ verb: 'create', subresource: 'eviction' })),
      false,
      'pods does not cover pods/eviction',
    );
    assert.equal(
      ruleAllows({ ...pods, resources: ['pods/eviction'] }, req({ verb: 'create', subresource: 'eviction' })),
      true,
    );
    assert.equal(
      ruleAllows(
        { verbs: ['patch'], apiGroups: ['*'], resources: ['*/status'] },
        req({ verb: 'patch', apiGroup: 'ops.kubedb.com', resource: 'redisopsrequests', subresource: 'status' }),
      ),
      true,
    );
    assert.equal(
      ruleAllows(
        { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
        req({ verb: 'deletecollection', subresource: 'status' }),
      ),
      true,
    );
    assert.equal(ruleAllows({ ...pods, apiGroups: ['apps'] }, req({})), false);
    const named: PolicyRule = { ...pods, resourceNames: ['p1'] };
    assert.equal(ruleAllows(named, req({ name: 'p1' })), true);
    assert.equal(ruleAllows(named, req({ name: 'p2' })), false);
    assert.equal(ruleAllows(named, req({ verb: 'create' })), false, 'no name on create: resourceNames never match');
  });

  void it('matches nonResourceURLs exactly or by a trailing * prefix, only for non-resource requests', () => {
    const rule: PolicyRule = { verbs: ['get'], nonResourceURLs: ['/healthz', '/metrics/*'] };
    const nr = (path: string) => req({ resourceRequest: false, path, resource: '', namespace: '' });
    assert.equal(ruleAllows(rule, nr('/healthz')), true);
    assert.equal(ruleAllows(rule, nr('/healthz/etcd')), false);
    assert.equal(ruleAllows(rule, nr('/metrics/x')), true);
    assert.equal(ruleAllows(rule, req({})), false);
  });

  void it('aggregates ClusterRoles by label selector and recomputes when RBAC objects change', () => {
    const store = new ObjectStore(100);
    const rbac = new RbacAuthorizer(store);
    const key = (plural: string) => `rbac.authorization.k8s.io/${plural}`;
    store.commit(
      key('clusterroles'),
      {
        metadata: { name: 'agg' },
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate': 'true' } }] },
      },
      'ADDED',
    );
    store.commit(
      key('clusterrolebindings'),
      {
        metadata: { name: 'agg' },
        roleRef: { kind: 'ClusterRole', name: 'agg' },
        subjects: [{ kind: 'User', name: 'u' }],
      },
      'ADDED',
    );
    const listRdops = req({ verb: 'list', apiGroup: 'ops.kubedb.com', resource: 'redisopsrequests', namespace: '' });
    assert.equal(rbac.allows(listRdops), false);
    store.commit(
      key('clusterroles'),
      {
        metadata: { name: 'part', labels: { 'example.com/aggregate': 'true' } },
        rules: [{ verbs: ['list'], apiGroups: ['ops.kubedb.com'], resources: ['redisopsrequests'] }],
      },
      'ADDED',
    );
    assert.equal(rbac.allows(listRdops), true);
    assert.equal(rbac.allows({ ...listRdops, user: { username: 'v', groups: ['system:masters'] } }), true);
    assert.equal(rbac.allows({ ...listRdops, user: { username: 'v', groups: [] } }), false);
  });
});

void describe('ServiceAccount tokens across restarts', () => {
  void it('keep working with the same stateDir (the signing key is persisted)', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'kube-sa-state-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const first = await startTestServer({ stateDir: dir, rbac: true });
    let token: string;
    try {
      await ensureNamespace(first, 'demo');
      await raw(first, 'POST', '/api/v1/namespaces/demo/serviceaccounts', { metadata: { name: 'robot' } });
      token = first.serviceAccountToken('demo', 'robot').token;
      assert.equal((await raw(first, 'GET', '/api', undefined, { token })).status, 200);
    } finally {
      await first.stop();
    }
    const second = await startTestServer({ stateDir: dir, rbac: true });
    try {
      assert.equal((await raw(second, 'GET', '/api', undefined, { token })).status, 200);
      assert.equal((await raw(second, 'GET', '/api/v1/namespaces/demo/secrets', undefined, { token })).status, 403);
    } finally {
      await second.stop();
    }
  });
});
