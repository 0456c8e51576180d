/**
 * After a reconfigure on the local stack, the API server's managedFields name the project as the owner of what it
 * wrote (https://kubernetes.io/docs/reference/using-api/server-side-apply/#managers): the functions as
 * `redis-reconfigure` on the ops request's status and annotations, the Redis's spec.configuration, the
 * operator-managed config secret, the rollback snapshot, the PetSet template stamp and the events; the forwarder as
 * `redis-reconfigure-forwarder` on its Lease. (The Redis's status conditions are an atomic list that the
 * provisioner writes last, so by the end it owns them.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoordinationV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { applyObjects } from '../../infra/local/manifests.ts';
import { FORWARDER_NAMESPACE } from '../../infra/local/shipped-manifests.ts';
import { FIELD_MANAGER } from '../../shared/adapters/kube/kube-adapter.ts';
import { managedConfigSecretName } from '../../shared/kubedb/constants.ts';
import {
  configSecret,
  createDatabase,
  getRedis,
  reconfigure,
  runOpsRequest,
  startTestStack,
  waitDatabaseReady,
} from './harness.ts';

interface ManagedFieldsEntry {
  manager?: string;
  subresource?: string;
  fieldsV1?: Record<string, unknown>;
}
type WithManagedFields = { metadata?: { managedFields?: ManagedFieldsEntry[] } };

const NS = 'fm';
const DB = 'rd-fm';
const OPS = 'rdops-fm';

/** The entries of `manager` (optionally for one subresource). */
const entriesOf = (obj: WithManagedFields, manager: string, subresource?: string): ManagedFieldsEntry[] =>
  (obj.metadata?.managedFields ?? []).filter((e) => e.manager === manager && e.subresource === subresource);

/** Does one of the entries own the field at `path` (FieldsV1 keys, e.g. ['f:spec', 'f:configuration'])? */
const owns = (entries: ManagedFieldsEntry[], path: string[]): boolean =>
  entries.some((e) => {
    let node: unknown = e.fieldsV1;
    for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key];
    return node !== undefined;
  });

describe('field managers on the writes of a reconfigure', { timeout: 300_000 }, () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  before(async () => {
    stack = await startTestStack();
  });
  after(async () => stack?.cleanup());

  it('names redis-reconfigure on every object the functions wrote, and the forwarder on its Lease', async () => {
    const kc = stack.kubeConfig;
    await createDatabase(kc, NS, DB, 'maxclients 500\n');
    await waitDatabaseReady(kc, NS, DB);
    await applyObjects(kc, [configSecret(NS, 'fm-new-config', 'maxclients 2000\n')] as never);
    const done = await runOpsRequest(
      kc,
      reconfigure(NS, OPS, DB, { configSecret: { name: 'fm-new-config' }, restart: 'true' }),
    );
    assert.equal(done.status?.phase, 'Successful', JSON.stringify(done.status));

    const custom = kc.makeApiClient(CustomObjectsApi);
    const core = kc.makeApiClient(CoreV1Api);
    const ops = done as WithManagedFields;
    assert.ok(owns(entriesOf(ops, FIELD_MANAGER, 'status'), ['f:status', 'f:conditions']), 'ops request status');
    assert.ok(
      owns(entriesOf(ops, FIELD_MANAGER), ['f:metadata', 'f:annotations', 'f:redis-reconfigure.io/plan']),
      'ops request plan annotation',
    );

    const redis = (await getRedis(kc, NS, DB)) as WithManagedFields & { metadata: { uid?: string } };
    assert.ok(owns(entriesOf(redis, FIELD_MANAGER), ['f:spec', 'f:configuration']), 'Redis spec.configuration');

    const managed = await core.readNamespacedSecret({
      namespace: NS,
      name: managedConfigSecretName(DB, redis.metadata.uid ?? ''),
    });
    assert.ok(owns(entriesOf(managed, FIELD_MANAGER), ['f:data', 'f:default.conf']), 'managed config secret');
    const rollback = await core.readNamespacedSecret({ namespace: NS, name: `${OPS}-rollback` });
    assert.deepEqual(
      (rollback.metadata?.managedFields ?? []).map((e) => e.manager),
      [FIELD_MANAGER],
      'the rollback snapshot is written by the functions alone',
    );

    const petSet = (await custom.getNamespacedCustomObject({
      group: 'apps.k8s.appscode.com',
      version: 'v1',
      plural: 'petsets',
      namespace: NS,
      name: DB,
    })) as WithManagedFields;
    assert.ok(
      owns(entriesOf(petSet, FIELD_MANAGER), [
        'f:spec',
        'f:template',
        'f:metadata',
        'f:annotations',
        'f:redis-reconfigure.io/config-hash',
      ]),
      'PetSet template stamp',
    );

    const events = await core.listNamespacedEvent({ namespace: NS });
    const mine = events.items.filter((e) => e.involvedObject.name === OPS);
    assert.ok(mine.length > 0);
    for (const e of mine) assert.deepEqual(entriesOf(e, FIELD_MANAGER).length, 1, `event ${e.reason ?? ''}`);

    const leases = await kc.makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace: FORWARDER_NAMESPACE });
    assert.ok(
      leases.items.some((l) => entriesOf(l, 'redis-reconfigure-forwarder').length > 0),
      JSON.stringify(leases.items.map((l) => l.metadata?.managedFields?.map((e) => e.manager))),
    );
  });
});
