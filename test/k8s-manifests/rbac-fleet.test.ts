/**
 * The fleet rollout's RBAC (infra/k8s/fleet) = what shared/adapters/kube/fleet-adapter.ts calls, read from its call
 * sites and compared as sets; then applied with kubectl to an RBAC-enforcing local API server, where the real
 * FleetKubeAdapter, as a user in the group redis-reconfigure:rollout, does everything it does and nothing more.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { FleetKubeAdapter } from '../../shared/adapters/kube/fleet-adapter.ts';
import { ROLLOUT_UID_LABEL } from '../../shared/fleet/labels.ts';
import { FLEET_GROUP, FLEET_PLURAL, FLEET_VERSION } from '../../shared/fleet/spec.ts';
import * as k from '../../shared/kubedb/constants.ts';
import type { RedisOpsRequest } from '../../shared/kubedb/types.ts';
import { forbidden, startRbacCluster, type RbacCluster } from './live.ts';
import { expandRules, find, K8S_DIR, render, ROOT } from './manifests.ts';

const METHODS: Record<string, [string, string]> = {
  getNamespacedCustomObject: ['get', ''],
  listClusterCustomObject: ['list', ''],
  createNamespacedCustomObject: ['create', ''],
  patchNamespacedCustomObjectStatus: ['patch', '/status'],
};
const REFS: Record<string, string> = {
  rollouts: `${FLEET_GROUP}/${FLEET_PLURAL}`,
  ops: `${k.OPS_GROUP}/${k.OPS_PLURAL}`,
  redises: `${k.KUBEDB_GROUP}/${k.REDIS_PLURAL}`,
};

function adapterPermissions(): Set<string> {
  const text = readFileSync(join(ROOT, 'shared/adapters/kube/fleet-adapter.ts'), 'utf8');
  const calls = [...text.matchAll(/this\.#custom\.(\w+)\(\s*\{\s*\.\.\.(\w+)/g)];
  assert.equal(calls.length, text.match(/this\.#custom\.\w+\(/g)?.length, 'every call site is understood');
  return new Set(
    calls.map(([, method, ref]) => {
      const verb = METHODS[method!];
      assert.ok(verb && REFS[ref!], `${method}({ ...${ref} }): add it to METHODS/REFS and to infra/k8s/fleet`);
      return `${verb[0]} ${REFS[ref!]}${verb[1]}`;
    }),
  );
}

const TOKEN = 'rollout-token-0123456789abcdef';
const rollouts = { group: FLEET_GROUP, version: FLEET_VERSION, plural: FLEET_PLURAL };
const ops = { group: k.OPS_GROUP, version: k.OPS_VERSION, plural: k.OPS_PLURAL };
const redises = { group: k.KUBEDB_GROUP, version: k.KUBEDB_VERSION, plural: k.REDIS_PLURAL };

describe('fleet RBAC = what fleet-adapter.ts calls', () => {
  it('the hub and member ClusterRoles together grant exactly the adapter call sites', () => {
    const hub = render(join(K8S_DIR, 'fleet/hub'));
    const member = render(join(K8S_DIR, 'fleet/member'));
    const granted = new Set([
      ...expandRules(find(hub, 'ClusterRole', 'redis-reconfigure-rollout-hub').rules ?? []),
      ...expandRules(find(member, 'ClusterRole', 'redis-reconfigure-rollout-member').rules ?? []),
    ]);
    assert.deepEqual([...granted].sort(), [...adapterPermissions()].sort());
    const forwarder = expandRules(find(hub, 'ClusterRole', 'redis-reconfigure-forwarder-fleet').rules ?? []);
    assert.deepEqual([...forwarder].sort(), [`list ${REFS.rollouts}`, `watch ${REFS.rollouts}`]);
    assert.ok(
      hub.some((o) => o.kind === 'CustomResourceDefinition'),
      'the hub kustomization carries the CRD',
    );
  });
});

describe('fleet RBAC on an RBAC-enforcing API server', () => {
  let cluster: RbacCluster;
  before(async () => {
    cluster = await startRbacCluster({ [TOKEN]: { username: 'rollout-fn', groups: ['redis-reconfigure:rollout'] } });
    await cluster.apply(join(K8S_DIR, 'fleet/hub'));
    await cluster.apply(join(K8S_DIR, 'fleet/member'));
    const core = cluster.admin.makeApiClient(CoreV1Api);
    const custom = cluster.admin.makeApiClient(CustomObjectsApi);
    for (const name of ['fleet', 'demo']) await core.createNamespace({ body: { metadata: { name } } });
    await custom.createNamespacedCustomObject({
      ...rollouts,
      namespace: 'fleet',
      body: {
        apiVersion: `${FLEET_GROUP}/${FLEET_VERSION}`,
        kind: 'FleetRollout',
        metadata: { name: 'r1' },
        spec: { configuration: { removeCustomConfig: true } },
      },
    });
    await custom.createNamespacedCustomObject({
      ...redises,
      namespace: 'demo',
      body: { apiVersion: 'kubedb.com/v1', kind: 'Redis', metadata: { name: 'rd' }, spec: { version: '7.2.4' } },
    });
  });
  after(async () => cluster.stop());

  it('every FleetKubeAdapter method is allowed for the group redis-reconfigure:rollout', async () => {
    const fleet = new FleetKubeAdapter(cluster.as(TOKEN));
    const rollout = await fleet.getRollout('fleet', 'r1');
    assert.ok(rollout?.metadata.uid);
    const written = await fleet.writeRolloutStatus(rollout, { phase: 'Progressing' });
    assert.equal(written.status?.phase, 'Progressing');
    assert.deepEqual(
      (await fleet.listRedises()).map((r) => r.metadata.name),
      ['rd'],
    );
    const body: RedisOpsRequest = {
      apiVersion: 'ops.kubedb.com/v1alpha1',
      kind: 'RedisOpsRequest',
      metadata: { name: 'r1-rd-0123456789', namespace: 'demo', labels: { [ROLLOUT_UID_LABEL]: rollout.metadata.uid } },
      spec: { type: 'Reconfigure', databaseRef: { name: 'rd' }, configuration: { removeCustomConfig: true } },
    };
    assert.equal(await fleet.createOpsRequest(body), 'created');
    assert.equal(await fleet.createOpsRequest(body), 'exists', 'a repeat is a 409, which is fine');
    assert.deepEqual(
      (await fleet.listRolloutOpsRequests(rollout.metadata.uid)).map((o) => o.metadata.name),
      ['r1-rd-0123456789'],
    );
    assert.deepEqual(await fleet.listRolloutOpsRequests('another-uid'), []);
  });

  it('what the rollout never does is 403', async () => {
    const kc = cluster.as(TOKEN);
    const core = kc.makeApiClient(CoreV1Api);
    const custom = kc.makeApiClient(CustomObjectsApi);
    await forbidden('read a secret', () => core.readNamespacedSecret({ namespace: 'demo', name: 'x' }));
    await forbidden('list pods', () => core.listNamespacedPod({ namespace: 'demo' }));
    await forbidden('get a Redis', () =>
      custom.getNamespacedCustomObject({ ...redises, namespace: 'demo', name: 'rd' }),
    );
    await forbidden('patch a Redis', () =>
      custom.patchNamespacedCustomObject({ ...redises, namespace: 'demo', name: 'rd', body: {} }),
    );
    await forbidden('delete an ops request', () =>
      custom.deleteNamespacedCustomObject({ ...ops, namespace: 'demo', name: 'r1-rd-0123456789' }),
    );
    await forbidden('patch an ops request status', () =>
      custom.patchNamespacedCustomObjectStatus({ ...ops, namespace: 'demo', name: 'r1-rd-0123456789', body: {} }),
    );
    await forbidden('create a FleetRollout', () =>
      custom.createNamespacedCustomObject({
        ...rollouts,
        namespace: 'fleet',
        body: {
          apiVersion: `${FLEET_GROUP}/${FLEET_VERSION}`,
          kind: 'FleetRollout',
          metadata: { name: 'x' },
          spec: {},
        },
      }),
    );
    await forbidden('delete a FleetRollout', () =>
      custom.deleteNamespacedCustomObject({ ...rollouts, namespace: 'fleet', name: 'r1' }),
    );
  });
});
