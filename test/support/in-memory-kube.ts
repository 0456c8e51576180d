/**
 * KubePort in memory, for unit tests of the steps: objects keep a resourceVersion that every write bumps, and a write
 * guarded by a stale resourceVersion fails with ConflictError, as the adapter turns the API's 409 into one. Eviction
 * behaves as the Eviction API does at the points the steps depend on: a PodDisruptionBudget that allows no
 * disruption answers 429 (UnavailableError, retried), a pod already gone is a no-op (the adapter reads 404 as done),
 * a pod already terminating is not refused, and an evicted pod gets the `DisruptionTarget` condition before it turns Terminating
 * (https://kubernetes.io/docs/concepts/workloads/pods/disruptions/#pod-disruption-conditions).
 */
import { ConflictError, UnavailableError } from '../../shared/errors.ts';
import type { RedisSentinel } from '../../shared/kubedb/topology.ts';
import type { Condition, ObjectMeta, Redis, RedisOpsRequest } from '../../shared/kubedb/types.ts';
import type { RedisAclSpec } from '../../shared/acl/plan.ts';
import type {
  EventInput,
  KubePort,
  OwnerRef,
  PodView,
  RedisVersionView,
  SecretView,
} from '../../shared/steps/ports.ts';

const key = (namespace: string | undefined, name: string): string => `${namespace ?? ''}/${name}`;

/** A pod as the fake holds it: the view the steps read, plus what only the API server knows. */
export interface PodRecord {
  namespace: string;
  /** The Redis whose offshoot labels the pod carries (what listDatabasePods selects by). */
  redisName: string;
  view: PodView;
  conditions: Array<{ type: string; status: string; reason?: string }>;
}

export interface SecretRecord extends SecretView {
  namespace: string;
  labels: Record<string, string>;
  owners: OwnerRef[];
  resourceVersion: string;
}

export interface PetSetRecord {
  namespace: string;
  name: string;
  redisName: string;
  templateAnnotations: Record<string, string>;
}

/** RFC 7386 on a flat map: a null value deletes the key. */
function mergeFlat(base: Record<string, string> | undefined, patch: Record<string, string | null>) {
  const out: Record<string, string> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

export class InMemoryKube implements KubePort {
  #rv = 100;
  readonly opsRequests = new Map<string, RedisOpsRequest>();
  readonly redises = new Map<string, Redis>();
  readonly redisVersions = new Map<string, RedisVersionView>();
  readonly sentinels = new Map<string, RedisSentinel>();
  readonly secrets = new Map<string, SecretRecord>();
  readonly petSets = new Map<string, PetSetRecord>();
  readonly pods = new Map<string, PodRecord>();
  readonly events: Array<{ opsRequest: string } & EventInput> = [];
  /** Every write, in order (`<method> <namespace>/<name>`): what a step changed, for assertions. */
  readonly writes: string[] = [];
  /** Pods whose eviction a PodDisruptionBudget refuses right now (the API's 429 TooManyRequests). */
  readonly pdbRefuses = new Set<string>();

  #nextVersion(): string {
    this.#rv += 1;
    return String(this.#rv);
  }

  #stamp<T extends { metadata: ObjectMeta }>(obj: T): T {
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: this.#nextVersion() } };
  }

  /** A guarded write: the caller's copy must carry the stored resourceVersion, or the API answers 409. */
  #guard<T extends { metadata: ObjectMeta }>(stored: T | undefined, given: { metadata: ObjectMeta }, what: string): T {
    if (stored === undefined) throw new Error(`${what}: HTTP 404 not found`);
    if (given.metadata.resourceVersion !== stored.metadata.resourceVersion) {
      throw new ConflictError(
        `${what}: the object has been modified (resourceVersion ${given.metadata.resourceVersion ?? 'none'}, ` +
          `stored ${stored.metadata.resourceVersion ?? 'none'})`,
      );
    }
    return stored;
  }

  // Seeding (what the cluster holds before the step runs).

  addOpsRequest(ops: RedisOpsRequest): RedisOpsRequest {
    const stored = this.#stamp(ops);
    this.opsRequests.set(key(ops.metadata.namespace, ops.metadata.name), stored);
    return stored;
  }

  addRedis(redis: Redis): Redis {
    const stored = this.#stamp(redis);
    this.redises.set(key(redis.metadata.namespace, redis.metadata.name), stored);
    return stored;
  }

  addRedisSentinel(sentinel: RedisSentinel): void {
    this.sentinels.set(key(sentinel.metadata.namespace, sentinel.metadata.name), this.#stamp(sentinel));
  }

  addRedisVersion(version: RedisVersionView): void {
    this.redisVersions.set(version.name, version);
  }

  addSecret(namespace: string, name: string, data: Record<string, string>, annotations: Record<string, string> = {}) {
    const record = { namespace, name, data, annotations, labels: {}, owners: [], resourceVersion: this.#nextVersion() };
    this.secrets.set(key(namespace, name), record);
  }

  addPetSet(namespace: string, name: string, redisName: string): void {
    this.petSets.set(key(namespace, name), { namespace, name, redisName, templateAnnotations: {} });
  }

  addPod(namespace: string, redisName: string, view: PodView): void {
    this.pods.set(key(namespace, view.name), { namespace, redisName, view: { ...view }, conditions: [] });
  }

  /** The PetSet controller's part after a pod is gone: a new pod of the same name (new uid), as `view` says. */
  replacePod(namespace: string, name: string, view: Partial<PodView> & { uid: string }): void {
    const old = this.pods.get(key(namespace, name));
    if (old === undefined) throw new Error(`no pod ${namespace}/${name} to replace`);
    this.pods.set(key(namespace, name), {
      ...old,
      view: { ...old.view, deleting: false, ready: false, restartCount: 0, ...view, name },
      conditions: [],
    });
  }

  opsRequest(namespace: string, name: string): RedisOpsRequest {
    const ops = this.opsRequests.get(key(namespace, name));
    if (ops === undefined) throw new Error(`no ops request ${namespace}/${name}`);
    return ops;
  }

  redis(namespace: string, name: string): Redis {
    const redis = this.redises.get(key(namespace, name));
    if (redis === undefined) throw new Error(`no redis ${namespace}/${name}`);
    return redis;
  }

  // KubePort.

  async getOpsRequest(namespace: string, name: string): Promise<RedisOpsRequest | undefined> {
    return structuredClone(this.opsRequests.get(key(namespace, name)));
  }

  async listOpsRequests(namespace: string): Promise<RedisOpsRequest[]> {
    return [...this.opsRequests.values()]
      .filter((o) => o.metadata.namespace === namespace)
      .map((o) => structuredClone(o));
  }

  async writeOpsStatus(ops: RedisOpsRequest, status: NonNullable<RedisOpsRequest['status']>): Promise<RedisOpsRequest> {
    const k = key(ops.metadata.namespace, ops.metadata.name);
    const stored = this.#guard(this.opsRequests.get(k), ops, `update status of rdops ${k}`);
    const next = this.#stamp({ ...stored, status: { ...stored.status, ...structuredClone(status) } });
    this.opsRequests.set(k, next);
    this.writes.push(`writeOpsStatus ${k}`);
    return structuredClone(next);
  }

  async writeOpsAnnotations(
    ops: RedisOpsRequest,
    annotations: Record<string, string | null>,
  ): Promise<RedisOpsRequest> {
    const k = key(ops.metadata.namespace, ops.metadata.name);
    const stored = this.#guard(this.opsRequests.get(k), ops, `annotate rdops ${k}`);
    const merged = mergeFlat(stored.metadata.annotations, annotations);
    const next = this.#stamp({ ...stored, metadata: { ...stored.metadata, annotations: merged } });
    this.opsRequests.set(k, next);
    this.writes.push(`writeOpsAnnotations ${k}`);
    return structuredClone(next);
  }

  async getRedis(namespace: string, name: string): Promise<Redis | undefined> {
    return structuredClone(this.redises.get(key(namespace, name)));
  }

  async listRedises(namespace: string): Promise<Redis[]> {
    return [...this.redises.values()].filter((r) => r.metadata.namespace === namespace).map((r) => structuredClone(r));
  }

  async writeRedisConditions(redis: Redis, conditions: Condition[]): Promise<Redis> {
    const k = key(redis.metadata.namespace, redis.metadata.name);
    const stored = this.#guard(this.redises.get(k), redis, `update conditions of redis ${k}`);
    const next = this.#stamp({ ...stored, status: { ...stored.status, conditions: structuredClone(conditions) } });
    this.redises.set(k, next);
    this.writes.push(`writeRedisConditions ${k}`);
    return structuredClone(next);
  }

  /** Not guarded, as the adapter's merge patch is not: only spec changes, and the generation with it. */
  async writeRedisConfiguration(
    redis: Redis,
    configuration: { secretName?: string; inline?: Record<string, string> },
  ): Promise<Redis> {
    const k = key(redis.metadata.namespace, redis.metadata.name);
    const stored = this.redises.get(k);
    if (stored === undefined) throw new Error(`update spec.configuration of redis ${k}: HTTP 404 not found`);
    const { configSecret: _dropped, ...spec } = stored.spec;
    const next = this.#stamp({
      ...stored,
      metadata: { ...stored.metadata, generation: (stored.metadata.generation ?? 1) + 1 },
      spec: { ...spec, configuration: structuredClone(configuration) },
    });
    this.redises.set(k, next);
    this.writes.push(`writeRedisConfiguration ${k}`);
    return structuredClone(next);
  }

  /** Not guarded, as the adapter's merge patch is not: the whole ACL spec at `field` replaced (null drops it). */
  async writeRedisAcl(
    redis: Redis,
    field: 'spec.acl' | 'spec.configuration.acl',
    acl: RedisAclSpec | null,
  ): Promise<Redis> {
    const k = key(redis.metadata.namespace, redis.metadata.name);
    const stored = this.redises.get(k);
    if (stored === undefined) throw new Error(`update ${field} of redis ${k}: HTTP 404 not found`);
    const value = acl === null ? undefined : structuredClone(acl);
    const spec =
      field === 'spec.acl'
        ? { ...stored.spec, acl: value }
        : { ...stored.spec, configuration: { ...stored.spec.configuration, acl: value } };
    const next = this.#stamp({
      ...stored,
      metadata: { ...stored.metadata, generation: (stored.metadata.generation ?? 1) + 1 },
      spec,
    });
    this.redises.set(k, next);
    this.writes.push(`writeRedisAcl ${k} ${field}`);
    return structuredClone(next);
  }

  async getRedisVersion(name: string): Promise<RedisVersionView | undefined> {
    return structuredClone(this.redisVersions.get(name));
  }

  async getRedisSentinel(namespace: string, name: string): Promise<RedisSentinel | undefined> {
    return structuredClone(this.sentinels.get(key(namespace, name)));
  }

  async getSecret(namespace: string, name: string): Promise<SecretView | undefined> {
    const s = this.secrets.get(key(namespace, name));
    return s === undefined ? undefined : { name: s.name, data: { ...s.data }, annotations: { ...s.annotations } };
  }

  async putSecret(...[namespace, name, data, meta]: Parameters<KubePort['putSecret']>): Promise<void> {
    const k = key(namespace, name);
    const old = this.secrets.get(k);
    const owners = old?.owners.filter((o) => o.uid !== meta.owner?.uid && o.name !== meta.owner?.name) ?? [];
    this.secrets.set(k, {
      namespace,
      name,
      data: { ...old?.data, ...data },
      annotations: { ...old?.annotations, ...meta.annotations },
      labels: { ...old?.labels, ...meta.labels },
      owners: meta.owner ? [...owners, meta.owner] : (old?.owners ?? []),
      resourceVersion: this.#nextVersion(),
    });
    this.writes.push(`putSecret ${k}`);
  }

  async annotatePetSetTemplates(
    namespace: string,
    redisName: string,
    annotations: Record<string, string>,
  ): Promise<string[]> {
    const mine = [...this.petSets.values()].filter((p) => p.namespace === namespace && p.redisName === redisName);
    for (const ps of mine) {
      ps.templateAnnotations = { ...ps.templateAnnotations, ...annotations };
      this.writes.push(`annotatePetSetTemplate ${key(namespace, ps.name)}`);
    }
    return mine.map((p) => p.name);
  }

  async listDatabasePods(namespace: string, redisName: string): Promise<PodView[]> {
    return [...this.pods.values()]
      .filter((p) => p.namespace === namespace && p.redisName === redisName)
      .map((p) => ({ ...p.view }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  }

  async getPod(namespace: string, name: string): Promise<PodView | undefined> {
    const pod = this.pods.get(key(namespace, name));
    return pod === undefined ? undefined : { ...pod.view };
  }

  async evictPod(namespace: string, name: string): Promise<void> {
    const k = key(namespace, name);
    const pod = this.pods.get(k);
    if (pod === undefined) return; // 404: the pod is gone already, which is what the eviction wanted
    // A pod already terminating is deleted without consulting its budget (the Eviction API's canIgnorePDB).
    if (pod.view.deleting) return;
    if (this.pdbRefuses.has(name)) {
      throw new UnavailableError(
        `evict pod ${k}: 429 Cannot evict pod as it would violate the pod's disruption budget.`,
      );
    }
    pod.conditions.push({ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI' });
    pod.view = { ...pod.view, deleting: true };
    this.writes.push(`evictPod ${k}`);
  }

  async recordEvent(ops: RedisOpsRequest, event: EventInput): Promise<void> {
    this.events.push({ opsRequest: key(ops.metadata.namespace, ops.metadata.name), ...event });
  }
}
