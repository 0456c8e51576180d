/** LeaseStore adapter over `coordination.k8s.io/v1` Leases (CoordinationV1Api). */
import { ApiException, CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { LeaseConflictError, type LeaseRecord, type LeaseSpec, type LeaseStore } from './leader-election.ts';

const codeOf = (err: unknown): number | undefined => (err instanceof ApiException ? err.code : undefined);

function toRecord(lease: V1Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  const resourceVersion = lease.metadata?.resourceVersion;
  if (resourceVersion === undefined) throw new Error('Lease without metadata.resourceVersion');
  return {
    holderIdentity: spec.holderIdentity ?? '',
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTime: spec.acquireTime === undefined ? undefined : new Date(spec.acquireTime).getTime(),
    renewTime: spec.renewTime === undefined ? undefined : new Date(spec.renewTime).getTime(),
    leaseTransitions: spec.leaseTransitions ?? 0,
    resourceVersion,
  };
}

/** The Lease's times are MicroTime (RFC 3339 with microseconds); V1MicroTime serializes that way. */
const micro = (ms: number | undefined): V1MicroTime | undefined => (ms === undefined ? undefined : new V1MicroTime(ms));

function toLease(name: string, namespace: string, spec: LeaseSpec, resourceVersion?: string): V1Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, resourceVersion },
    spec: {
      holderIdentity: spec.holderIdentity,
      leaseDurationSeconds: spec.leaseDurationSeconds,
      acquireTime: micro(spec.acquireTime),
      renewTime: micro(spec.renewTime),
      leaseTransitions: spec.leaseTransitions,
    },
  };
}

/** The field manager of the forwarder's Lease writes (managedFields name it). */
const FIELD_MANAGER = 'redis-reconfigure-forwarder';

export function kubeLeaseStore(kc: KubeConfig, namespace: string, name: string): LeaseStore {
  const api = kc.makeApiClient(CoordinationV1Api);
  const conflict = (err: unknown, what: string): never => {
    // 409: AlreadyExists on create, Conflict (stale resourceVersion) on replace — both mean another writer won.
    if (codeOf(err) === 409) throw new LeaseConflictError(`${what} Lease ${namespace}/${name}: conflict`);
    throw err;
  };
  return {
    async get() {
      try {
        return toRecord(await api.readNamespacedLease({ name, namespace }));
      } catch (err) {
        if (codeOf(err) === 404) return undefined;
        throw err;
      }
    },
    async create(spec) {
      try {
        return toRecord(
          await api.createNamespacedLease({
            namespace,
            body: toLease(name, namespace, spec),
            fieldManager: FIELD_MANAGER,
          }),
        );
      } catch (err) {
        return conflict(err, 'create');
      }
    },
    async update(spec, resourceVersion) {
      try {
        return toRecord(
          await api.replaceNamespacedLease({
            name,
            namespace,
            body: toLease(name, namespace, spec, resourceVersion),
            fieldManager: FIELD_MANAGER,
          }),
        );
      } catch (err) {
        return conflict(err, 'replace');
      }
    },
  };
}
