/**
 * The RBAC in infra/k8s grants exactly what the code calls: the permissions are derived from the adapters' source
 * (every client-node API call site mapped to verb + resource through the tables below) and compared, as sets, with
 * the rules of the ClusterRoles/Roles. A new API call without a rule, or a rule without a call, fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as k from '../../shared/kubedb/constants.ts';
import { configFromEnv } from '../../functions/forwarder/config.ts';
import { expandRules, find, K8S_DIR, type Manifest, render, ROOT } from './manifests.ts';

/** CustomObjectsApi method → [verb, subresource suffix]. */
const CUSTOM_METHODS: Record<string, [string, string]> = {
  getNamespacedCustomObject: ['get', ''],
  getClusterCustomObject: ['get', ''],
  listNamespacedCustomObject: ['list', ''],
  listClusterCustomObject: ['list', ''],
  patchNamespacedCustomObject: ['patch', ''],
  patchNamespacedCustomObjectStatus: ['patch', '/status'],
};
/** CoreV1Api / CoordinationV1Api method → "verb group/resource". */
const TYPED_METHODS: Record<string, string> = {
  readNamespacedSecret: 'get /secrets',
  createNamespacedSecret: 'create /secrets',
  patchNamespacedSecret: 'patch /secrets',
  readNamespacedPod: 'get /pods',
  listNamespacedPod: 'list /pods',
  listPodForAllNamespaces: 'list /pods',
  createNamespacedPodEviction: 'create /pods/eviction',
  createNamespacedEvent: 'create /events',
  readNamespacedLease: `get coordination.k8s.io/leases`,
  createNamespacedLease: `create coordination.k8s.io/leases`,
  replaceNamespacedLease: `update coordination.k8s.io/leases`,
};
/** The resource-reference constants kube-adapter.ts spreads into CustomObjectsApi calls (`{ ...ops, ... }`). */
const REFS: Record<string, string> = {
  ops: `${k.OPS_GROUP}/${k.OPS_PLURAL}`,
  redises: `${k.KUBEDB_GROUP}/${k.REDIS_PLURAL}`,
  petsets: `${k.PETSET_GROUP}/${k.PETSET_PLURAL}`,
  sentinels: `${k.KUBEDB_GROUP}/${k.SENTINEL_PLURAL}`,
};
const PLURALS: Record<string, string> = { REDIS_VERSION_PLURAL: `${k.CATALOG_GROUP}/${k.REDIS_VERSION_PLURAL}` };

const source = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** Permissions the functions' KubeAdapter needs, read from its call sites. */
function adapterPermissions(): Set<string> {
  const text = source('shared/adapters/kube/kube-adapter.ts');
  // #mergePatch(<ref>, obj, body, what[, 'status']) is the one home of the custom-object merge patches: its call sites
  // name the resource; its own two API calls (on a parameter) are read through them.
  const helper = /async #mergePatch[\s\S]*?\n  \}\n/.exec(text)?.[0] ?? '';
  const rest = text.replace(helper, '');
  const calls = [...rest.matchAll(/this\.#(core|custom)\.(\w+)\(\s*\{\s*([^}]*)/g)];
  assert.equal(
    calls.length,
    rest.match(/this\.#(core|custom)\.\w+\(/g)?.length,
    'every API call site has an argument object the parser understands',
  );
  const out = new Set<string>();
  for (const [, ref, tail] of rest.matchAll(/this\.#mergePatch\((\w+),([^;]*)\);/g)) {
    const resource = REFS[ref!];
    assert.ok(resource, `cannot tell the resource of #mergePatch(${ref}, …)`);
    out.add(`patch ${resource}${/'status'\s*$/.test(tail!.trim().replace(/,$/, '')) ? '/status' : ''}`);
  }
  for (const [, api, method, args] of calls) {
    if (api === 'core') {
      const perm = TYPED_METHODS[method!];
      assert.ok(perm, `kube-adapter.ts calls CoreV1Api.${method}: add it to TYPED_METHODS and to functions-rbac`);
      out.add(perm);
      continue;
    }
    const verb = CUSTOM_METHODS[method!];
    assert.ok(verb, `kube-adapter.ts calls CustomObjectsApi.${method}: add it to CUSTOM_METHODS and to functions-rbac`);
    const spread = /^\.\.\.(\w+)/.exec(args!)?.[1];
    const plural = /plural: k\.(\w+)/.exec(args!)?.[1];
    const resource = spread !== undefined ? REFS[spread] : plural !== undefined ? PLURALS[plural] : undefined;
    assert.ok(resource, `cannot tell the resource of ${method}({ ${args} })`);
    out.add(`${verb[0]} ${resource}${verb[1]}`);
  }
  return out;
}

/**
 * Permissions the forwarder needs: ListWatch of RedisOpsRequests (forwarder.ts), of Redis objects and of pods (the
 * wake-ups: wake-up-watches.ts), and its Lease. Each custom resource it watches goes through kubeWatchSource, the
 * pods through podWatchSource; every LIST call in kube-watch-source.ts maps to a verb, the Watch to `watch`.
 */
function forwarderPermissions(): { watch: Set<string>; lease: Set<string> } {
  const watchSource = source('shared/adapters/kube/kube-watch-source.ts');
  const watched: string[] = [];
  assert.match(
    source('functions/forwarder/forwarder.ts'),
    /group: OPS_GROUP,\s*version: OPS_VERSION,\s*plural: OPS_PLURAL/,
    'the forwarder watches RedisOpsRequests',
  );
  watched.push(`${k.OPS_GROUP}/${k.OPS_PLURAL}`);
  const wakeUps = source('functions/forwarder/wake-up-watches.ts');
  assert.match(wakeUps, /group: KUBEDB_GROUP, version: KUBEDB_VERSION, plural: REDIS_PLURAL/, 'and Redis objects');
  watched.push(`${k.KUBEDB_GROUP}/${k.REDIS_PLURAL}`);
  assert.match(wakeUps, /podWatchSource\(/, 'and pods');
  const watch = new Set<string>();
  for (const [, method] of watchSource.matchAll(/api\.(\w+)\(/g)) {
    const typed = TYPED_METHODS[method!];
    if (typed !== undefined) {
      watch.add(typed);
      continue;
    }
    const verb = CUSTOM_METHODS[method!];
    assert.ok(verb, `kube-watch-source.ts calls ${method}: add it to CUSTOM_METHODS and to the forwarder RBAC`);
    for (const resource of watched) watch.add(`${verb[0]} ${resource}`);
  }
  if (/watch\.watch\(/.test(watchSource)) {
    for (const resource of [...watched, '/pods']) watch.add(`watch ${resource}`);
  }
  const lease = new Set<string>();
  for (const [, method] of source('functions/forwarder/kube-lease-store.ts').matchAll(/api\.(\w+)\(/g)) {
    const perm = TYPED_METHODS[method!];
    assert.ok(perm, `kube-lease-store.ts calls ${method}: add it to TYPED_METHODS and to the forwarder RBAC`);
    lease.add(perm);
  }
  return { watch, lease };
}

const unnamed = (perms: Set<string>): Set<string> => new Set([...perms].map((p) => p.replace(/@.*$/, '')));
const sorted = (s: Set<string>): string[] => [...s].sort();

describe('functions RBAC = what kube-adapter.ts calls', () => {
  const objs = render(join(K8S_DIR, 'functions-rbac'));
  const main = find(objs, 'ClusterRole', 'redis-reconfigure-functions');
  const catalog = find(objs, 'ClusterRole', 'redis-reconfigure-functions-catalog');

  it('the two ClusterRoles together grant exactly the adapter call sites, by name never', () => {
    const needed = adapterPermissions();
    assert.ok(needed.size >= 15, `parsed only ${needed.size} permissions from kube-adapter.ts`);
    const granted = new Set([...expandRules(main.rules ?? []), ...expandRules(catalog.rules ?? [])]);
    assert.deepEqual(sorted(granted), sorted(needed));
  });

  it('the cluster-scoped RedisVersion read is alone in its ClusterRole; the main one is namespaced resources only', () => {
    assert.deepEqual(sorted(expandRules(catalog.rules ?? [])), [`get ${k.CATALOG_GROUP}/${k.REDIS_VERSION_PLURAL}`]);
    assert.ok(![...expandRules(main.rules ?? [])].some((p) => p.includes(k.REDIS_VERSION_PLURAL)));
  });

  it('both variants bind the group redis-reconfigure:functions; the namespaced one has no cluster-wide main binding', () => {
    const groupSubject = [
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'redis-reconfigure:functions' },
    ];
    const bindings = (list: Manifest[]) => list.filter((o) => o.kind.endsWith('Binding'));
    for (const b of bindings(objs)) {
      assert.equal(b.kind, 'ClusterRoleBinding');
      assert.deepEqual(b.subjects, groupSubject);
    }
    assert.deepEqual(
      bindings(objs)
        .map((b) => b.roleRef?.name)
        .sort(),
      ['redis-reconfigure-functions', 'redis-reconfigure-functions-catalog'],
    );
    const namespaced = bindings(render(join(K8S_DIR, 'functions-rbac/namespaced')));
    for (const b of namespaced) assert.deepEqual(b.subjects, groupSubject);
    assert.deepEqual(namespaced.map((b) => `${b.kind} ${b.roleRef?.name}`).sort(), [
      'ClusterRoleBinding redis-reconfigure-functions-catalog',
      'RoleBinding redis-reconfigure-functions',
    ]);
  });
});

describe('forwarder RBAC = what the forwarder calls', () => {
  const objs = render(join(K8S_DIR, 'forwarder'));
  const { watch, lease } = forwarderPermissions();

  it('watch ClusterRole: list + watch RedisOpsRequests, Redis objects and pods, nothing else (no Secret)', () => {
    assert.deepEqual(
      sorted(expandRules(find(objs, 'ClusterRole', 'redis-reconfigure-forwarder').rules ?? [])),
      sorted(watch),
    );
    assert.deepEqual(sorted(watch), [
      'list /pods',
      `list ${k.KUBEDB_GROUP}/${k.REDIS_PLURAL}`,
      `list ${k.OPS_GROUP}/${k.OPS_PLURAL}`,
      'watch /pods',
      `watch ${k.KUBEDB_GROUP}/${k.REDIS_PLURAL}`,
      `watch ${k.OPS_GROUP}/${k.OPS_PLURAL}`,
    ]);
    assert.ok(![...watch].some((p) => p.includes('secrets')));
  });

  it('lease Role: get/update only the forwarder Lease by name, create (cannot be limited by name), in its namespace', () => {
    const role = find(objs, 'Role', 'redis-reconfigure-forwarder-leader-election');
    const granted = expandRules(role.rules ?? []);
    assert.deepEqual(sorted(unnamed(granted)), sorted(lease));
    const leaseName = configFromEnv(
      {
        CLUSTER_ID: 'c',
        HALT_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/q',
        RECOVER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/r',
      },
      { podNamespace: () => undefined },
    ).leaseName;
    for (const p of granted) {
      if (!p.startsWith('create '))
        assert.ok(p.endsWith(`@${leaseName}`), `${p} must be limited to the Lease ${leaseName}`);
    }
  });

  it('bindings: the ClusterRole cluster-wide and the Role in redis-reconfigure, both to ServiceAccount forwarder', () => {
    const subject = [{ kind: 'ServiceAccount', name: 'forwarder', namespace: 'redis-reconfigure' }];
    const crb = find(objs, 'ClusterRoleBinding', 'redis-reconfigure-forwarder');
    assert.deepEqual(crb.roleRef, {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'redis-reconfigure-forwarder',
    });
    assert.deepEqual(crb.subjects, subject);
    const rb = find(objs, 'RoleBinding', 'redis-reconfigure-forwarder-leader-election');
    assert.equal(rb.metadata.namespace, 'redis-reconfigure');
    assert.deepEqual(rb.roleRef, {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'redis-reconfigure-forwarder-leader-election',
    });
    assert.deepEqual(rb.subjects, subject);
  });
});
