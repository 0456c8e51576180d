/**
 * KubePort over the Kubernetes REST API (kube-rest.ts: client-node's KubeConfig for credentials, its call shapes,
 * without its generated model set). Every write that must not lose a concurrent update carries the object's
 * resourceVersion (merge patch with metadata.resourceVersion), so the API answers 409.
 */
import type { KubeConfig, V1OwnerReference } from '@kubernetes/client-node';
import * as k from '../../kubedb/constants.ts';
import { eventObjectName } from '../../kubernetes/names.ts';
import type { Condition, ObjectMeta, Redis, RedisOpsRequest } from '../../kubedb/types.ts';
import type { RedisSentinel } from '../../kubedb/topology.ts';
import type { RedisAclSpec } from '../../acl/plan.ts';
import type { EventInput, KubePort, OwnerRef, PodView, RedisVersionView, SecretView } from '../../steps/ports.ts';
import { isAlreadyExists, readOrUndefined, translateApiError, write } from './api-errors.ts';
import { CoreV1Rest, CustomObjectsRest, KubeRestClient, MERGE_PATCH, type PatchOptions } from './kube-rest.ts';
import { encodeData, podView, secretView } from './views.ts';

const mergePatch: PatchOptions = { contentType: MERGE_PATCH };
const ops = { group: k.OPS_GROUP, version: k.OPS_VERSION, plural: k.OPS_PLURAL };
const redises = { group: k.KUBEDB_GROUP, version: k.KUBEDB_VERSION, plural: k.REDIS_PLURAL };
const sentinels = { group: k.KUBEDB_GROUP, version: k.KUBEDB_VERSION, plural: k.SENTINEL_PLURAL };
const petsets = { group: k.PETSET_GROUP, version: k.PETSET_VERSION, plural: k.PETSET_PLURAL };
const selectorOf = (name: string) => `app.kubernetes.io/instance=${name},app.kubernetes.io/name=redises.kubedb.com`;

/**
 * spec.configuration := the given secretName/inline (other fields kept), and the deprecated spec.configSecret gone.
 * A merge patch with explicit nulls, not a JSON patch: a JSON `remove` of a field that a concurrent writer already
 * removed answers 422, which is fatal (api-errors.ts), while null on a missing field is a no-op. Deliberately not
 * guarded by resourceVersion: the paused provisioner leaves spec alone, and its status writes (which bump the
 * resourceVersion) must not make this write fail.
 */
function configurationMergePatch(redis: Redis, next: { secretName?: string; inline?: Record<string, string> }): object {
  const removedInline = Object.keys(redis.spec.configuration?.inline ?? {}).filter(
    (key) => next.inline?.[key] === undefined,
  );
  const inline =
    next.inline === undefined
      ? null
      : { ...Object.fromEntries(removedInline.map((key) => [key, null])), ...next.inline };
  return { spec: { configSecret: null, configuration: { secretName: next.secretName ?? null, inline } } };
}

/**
 * The owner references with `owner` among them. A reference to an earlier object of the same kind and name (another
 * uid: an ops request deleted and re-created) is replaced, or the garbage collector would delete the Secret under the
 * new owner; references of other owners (the provisioner's, on the managed config secret) are kept as they are.
 */
function withOwner(refs: V1OwnerReference[], owner: OwnerRef): V1OwnerReference[] {
  if (refs.some((r) => r.uid === owner.uid)) return refs;
  const kept = refs.filter(
    (r) =>
      !(
        r.kind === owner.kind &&
        r.name === owner.name &&
        r.apiVersion.split('/')[0] === owner.apiVersion.split('/')[0]
      ),
  );
  return [...kept, { ...owner, controller: false, blockOwnerDeletion: false }];
}

/** The field manager of every write the functions make: managedFields name them as the owner of what they set. */
export const FIELD_MANAGER = 'redis-reconfigure';

export class KubeAdapter implements KubePort {
  readonly #core: CoreV1Rest;
  readonly #custom: CustomObjectsRest;

  constructor(kc: KubeConfig) {
    const client = new KubeRestClient(kc, { fieldManager: FIELD_MANAGER });
    this.#core = new CoreV1Rest(client);
    this.#custom = new CustomObjectsRest(client);
  }

  getOpsRequest(namespace: string, name: string): Promise<RedisOpsRequest | undefined> {
    return readOrUndefined(
      `get rdops ${namespace}/${name}`,
      async () => (await this.#custom.getNamespacedCustomObject({ ...ops, namespace, name })) as RedisOpsRequest,
    );
  }

  async listOpsRequests(namespace: string): Promise<RedisOpsRequest[]> {
    const list = (await write(`list rdops in ${namespace}`, () =>
      this.#custom.listNamespacedCustomObject({ ...ops, namespace }),
    )) as { items: RedisOpsRequest[] };
    return list.items;
  }

  /** A merge patch of a namespaced custom object, or of its status subresource; failures as named errors. */
  async #mergePatch<T extends { metadata: ObjectMeta }>(
    target: { group: string; version: string; plural: string },
    obj: T,
    body: object,
    what: string,
    subresource: 'status' | undefined = undefined,
  ): Promise<T> {
    const ref = { ...target, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name, body };
    const patch =
      subresource === 'status'
        ? () => this.#custom.patchNamespacedCustomObjectStatus(ref, mergePatch)
        : () => this.#custom.patchNamespacedCustomObject(ref, mergePatch);
    return (await write(`${what} ${obj.metadata.namespace}/${obj.metadata.name}`, patch)) as T;
  }

  writeOpsStatus(o: RedisOpsRequest, status: NonNullable<RedisOpsRequest['status']>): Promise<RedisOpsRequest> {
    const body = { metadata: { resourceVersion: o.metadata.resourceVersion }, status };
    return this.#mergePatch(ops, o, body, 'update status of rdops', 'status');
  }

  writeOpsAnnotations(o: RedisOpsRequest, annotations: Record<string, string | null>): Promise<RedisOpsRequest> {
    const body = { metadata: { resourceVersion: o.metadata.resourceVersion, annotations } };
    return this.#mergePatch(ops, o, body, 'annotate rdops');
  }

  getRedis(namespace: string, name: string): Promise<Redis | undefined> {
    return readOrUndefined(
      `get redis ${namespace}/${name}`,
      async () => (await this.#custom.getNamespacedCustomObject({ ...redises, namespace, name })) as Redis,
    );
  }

  async listRedises(namespace: string): Promise<Redis[]> {
    const list = (await write(`list redises in ${namespace}`, () =>
      this.#custom.listNamespacedCustomObject({ ...redises, namespace }),
    )) as { items: Redis[] };
    return list.items;
  }

  writeRedisConditions(redis: Redis, conditions: Condition[]): Promise<Redis> {
    const body = { metadata: { resourceVersion: redis.metadata.resourceVersion }, status: { conditions } };
    return this.#mergePatch(redises, redis, body, 'update conditions of redis', 'status');
  }

  writeRedisConfiguration(
    redis: Redis,
    configuration: { secretName?: string; inline?: Record<string, string> },
  ): Promise<Redis> {
    const body = configurationMergePatch(redis, configuration);
    return this.#mergePatch(redises, redis, body, 'update spec.configuration of redis');
  }

  writeRedisAcl(redis: Redis, field: 'spec.acl' | 'spec.configuration.acl', acl: RedisAclSpec | null): Promise<Redis> {
    // Both keys always present, so the merge patch replaces the whole spec (null drops a secretRef the rules lost).
    const value = acl === null ? null : { rules: acl.rules ?? [], secretRef: acl.secretRef ?? null };
    const body = { spec: field === 'spec.acl' ? { acl: value } : { configuration: { acl: value } } };
    return this.#mergePatch(redises, redis, body, `update ${field} of redis`);
  }

  async getRedisVersion(name: string): Promise<RedisVersionView | undefined> {
    const rv = (await readOrUndefined(`get redisversion ${name}`, () =>
      this.#custom.getClusterCustomObject({
        group: k.CATALOG_GROUP,
        version: k.CATALOG_VERSION,
        plural: k.REDIS_VERSION_PLURAL,
        name,
      }),
    )) as { spec?: { distribution?: string; version?: string } } | undefined;
    if (rv === undefined) return undefined;
    const distribution = rv.spec?.distribution === 'Valkey' ? 'Valkey' : 'Official';
    return { name, distribution, ...(rv.spec?.version !== undefined ? { version: rv.spec.version } : {}) };
  }

  getRedisSentinel(namespace: string, name: string): Promise<RedisSentinel | undefined> {
    return readOrUndefined(
      `get redissentinel ${namespace}/${name}`,
      async () => (await this.#custom.getNamespacedCustomObject({ ...sentinels, namespace, name })) as RedisSentinel,
    );
  }

  async getSecret(namespace: string, name: string): Promise<SecretView | undefined> {
    const secret = await readOrUndefined(`get secret ${namespace}/${name}`, () =>
      this.#core.readNamespacedSecret({ namespace, name }),
    );
    return secret === undefined ? undefined : secretView(secret);
  }

  async putSecret(
    namespace: string,
    name: string,
    data: Record<string, string>,
    meta: { annotations?: Record<string, string>; labels?: Record<string, string>; owner?: OwnerRef },
  ): Promise<void> {
    const existing = await readOrUndefined(`get secret ${namespace}/${name}`, () =>
      this.#core.readNamespacedSecret({ namespace, name }),
    );
    const what = `write secret ${namespace}/${name}`;
    if (existing === undefined) {
      const metadata = {
        name,
        namespace,
        annotations: meta.annotations,
        labels: meta.labels,
        ownerReferences: meta.owner ? withOwner([], meta.owner) : undefined,
      };
      await write(what, () =>
        this.#core.createNamespacedSecret({
          namespace,
          body: { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata, data: encodeData(data) },
        }),
      );
      return;
    }
    const ownerReferences = meta.owner ? withOwner(existing.metadata?.ownerReferences ?? [], meta.owner) : undefined;
    const body = {
      metadata: {
        resourceVersion: existing.metadata?.resourceVersion,
        annotations: meta.annotations,
        labels: meta.labels,
        ownerReferences,
      },
      data: encodeData(data),
    };
    await write(what, () => this.#core.patchNamespacedSecret({ namespace, name, body }, mergePatch));
  }

  async annotatePetSetTemplates(
    namespace: string,
    redisName: string,
    annotations: Record<string, string>,
  ): Promise<string[]> {
    const list = (await write(`list petsets of ${namespace}/${redisName}`, () =>
      this.#custom.listNamespacedCustomObject({ ...petsets, namespace, labelSelector: selectorOf(redisName) }),
    )) as { items: Array<{ metadata: { name: string } }> };
    const body = { spec: { template: { metadata: { annotations } } } };
    for (const ps of list.items) {
      await write(`annotate petset ${namespace}/${ps.metadata.name}`, () =>
        this.#custom.patchNamespacedCustomObject({ ...petsets, namespace, name: ps.metadata.name, body }, mergePatch),
      );
    }
    return list.items.map((ps) => ps.metadata.name);
  }

  async listDatabasePods(namespace: string, redisName: string): Promise<PodView[]> {
    const list = await write(`list pods of ${namespace}/${redisName}`, () =>
      this.#core.listNamespacedPod({ namespace, labelSelector: selectorOf(redisName) }),
    );
    return list.items.map(podView);
  }

  async getPod(namespace: string, name: string): Promise<PodView | undefined> {
    const pod = await readOrUndefined(`get pod ${namespace}/${name}`, () =>
      this.#core.readNamespacedPod({ namespace, name }),
    );
    return pod === undefined ? undefined : podView(pod);
  }

  async evictPod(namespace: string, name: string): Promise<void> {
    await readOrUndefined(`evict pod ${namespace}/${name}`, () =>
      this.#core.createNamespacedPodEviction({
        namespace,
        name,
        body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } },
      }),
    );
  }

  async recordEvent(o: RedisOpsRequest | Redis, event: EventInput): Promise<void> {
    const namespace = o.metadata.namespace ?? '';
    const name = eventObjectName(o.metadata.name, o.metadata.uid ?? '', event.reason, event.message);
    const now = new Date();
    const body = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.metadata.name,
        namespace,
        uid: o.metadata.uid,
        resourceVersion: o.metadata.resourceVersion,
      },
      reason: event.reason,
      message: event.message,
      type: event.type,
      source: { component: k.EVENT_SOURCE_COMPONENT },
      reportingComponent: 'redis-reconfigure',
      reportingInstance: 'redis-reconfigure',
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    try {
      await this.#core.createNamespacedEvent({ namespace, body });
    } catch (err) {
      if (!isAlreadyExists(err))
        throw translateApiError(err, `record event ${event.reason} on ${o.kind} ${namespace}/${o.metadata.name}`);
    }
  }
}
