/**
 * LeaseStore adapter over `coordination.k8s.io/v1` Leases, through the small REST client (kube-rest-client.ts) rather
 * than client-node's generated CoordinationV1Api, whose ObjectSerializer and fetch transport (undici) would be most
 * of the forwarder's bundle for three calls. The calls keep CoordinationV1Api's names and parameter objects (read,
 * create, replace = PUT with the resourceVersion read, so a stale write is a 409), and the RBAC test maps them.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { ApiException } from '@kubernetes/client-node/dist/gen/apis/exception.js';
import type { V1Lease } from '@kubernetes/client-node';
import { KubeRestClient } from '../../shared/adapters/kube/kube-rest-client.ts';
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

/**
 * The Lease's times are MicroTime: RFC 3339 with microseconds, as client-node's V1MicroTime writes them (milliseconds
 * and `000`); the API server rejects a plain date-time there.
 */
const micro = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : `${new Date(ms).toISOString().slice(0, -1)}000Z`;

/** The three CoordinationV1Api calls the elector makes (same names and parameters). */
function leaseApi(kc: KubeConfig) {
  const http = new KubeRestClient(kc);
  const path = (namespace: string, name?: string): string =>
    `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases` +
    (name !== undefined ? `/${encodeURIComponent(name)}` : '');
  return {
    readNamespacedLease: (r: { name: string; namespace: string }): Promise<V1Lease> =>
      http.request({ method: 'GET', path: path(r.namespace, r.name) }),
    createNamespacedLease: (r: { namespace: string; body: LeaseBody; fieldManager: string }): Promise<V1Lease> =>
      http.request({ method: 'POST', path: path(r.namespace), query: r, body: r.body }),
    replaceNamespacedLease: (r: {
      name: string;
      namespace: string;
      body: LeaseBody;
      fieldManager: string;
    }): Promise<V1Lease> => http.request({ method: 'PUT', path: path(r.namespace, r.name), query: r, body: r.body }),
  };
}

/** A Lease as sent: V1Lease with the MicroTime fields already in their wire form. */
type LeaseBody = Omit<V1Lease, 'spec'> & {
  spec: Omit<NonNullable<V1Lease['spec']>, 'acquireTime' | 'renewTime'> & { acquireTime?: string; renewTime?: string };
};

function toLease(name: string, namespace: string, spec: LeaseSpec, resourceVersion?: string): LeaseBody {
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
  const api = leaseApi(kc);
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
