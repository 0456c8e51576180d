/**
 * A KubeDB-like Redis provisioner that is only an API client (plus a Redis client for the coordinator step of
 * Cluster/Sentinel topologies): list+watch of Redis, RedisSentinel, RedisVersion, Secrets, Services, PetSets and
 * Pods; every event maps to the owning object's key (`ns/name` for a Redis, `RedisSentinel:ns/name` for a
 * sentinel); one reconcile per object at a time.
 */
import type { KubeConfig, V1Pod, V1Secret, V1Service } from '@kubernetes/client-node';
import {
  CATALOG_GROUP,
  CATALOG_VERSION,
  KUBEDB_GROUP,
  KUBEDB_VERSION,
  PETSET_GROUP,
  PETSET_PLURAL,
  PETSET_VERSION,
  REDIS_PLURAL,
  REDIS_VERSION_PLURAL,
  SENTINEL_PLURAL,
} from '../../../../shared/kubedb/constants.ts';
import { SENTINEL_RESOURCE_NAME } from '../names.ts';
import { sentinelRef, type RedisSentinel } from '../../../../shared/kubedb/topology.ts';
import type { Redis } from '../../../../shared/kubedb/types.ts';
import { runController, source } from '../runtime/controller.ts';
import { keyOf, makeApis, type KubeApis } from '../runtime/kube.ts';
import type { ListPage } from '../../../../shared/adapters/kube/kube-watch-source.ts';
import { makeLogger, type Logger } from '../runtime/log.ts';
import { ProvisionerReconciler, type PetSetObject, type ProvisionerCaches } from './reconcile.ts';
import { SentinelReconciler } from './sentinel-reconcile.ts';
import { aclSpecOf } from './acl-secret.ts';

export { defaultRedisVersions } from './versions.ts';

interface ProvisionerOptions {
  log?: Logger;
}

const INSTANCE_LABEL = 'app.kubernetes.io/instance';
const NAME_LABEL = 'app.kubernetes.io/name';

interface Meta {
  metadata?: {
    name?: string;
    namespace?: string;
    ownerReferences?: { kind: string; name: string }[];
    labels?: Record<string, string>;
  };
}

const SENTINEL_KEY = 'RedisSentinel:';
const ownerKeys = (obj: Meta): string[] =>
  (obj.metadata?.ownerReferences ?? [])
    .filter((o) => o.kind === 'Redis' || o.kind === 'RedisSentinel')
    .map((o) => `${o.kind === 'Redis' ? '' : SENTINEL_KEY}${obj.metadata?.namespace}/${o.name}`);

function podKeys(p: V1Pod): string[] {
  const labels = p.metadata?.labels ?? {};
  const instance = labels[INSTANCE_LABEL];
  if (!instance) return [];
  if (labels[NAME_LABEL] === 'redises.kubedb.com') return [`${p.metadata?.namespace}/${instance}`];
  return labels[NAME_LABEL] === SENTINEL_RESOURCE_NAME ? [`${SENTINEL_KEY}${p.metadata?.namespace}/${instance}`] : [];
}

function listCustom<T>(apis: KubeApis, group: string, version: string, plural: string): () => Promise<ListPage<T>> {
  return async () => (await apis.custom.listClusterCustomObject({ group, version, plural })) as ListPage<T>;
}

interface SourceKeys {
  redisesUsing: (pred: (r: Redis) => boolean) => string[];
  sentinelKeysUsing: (versionName: string | undefined) => string[];
  secretUsers: (s: V1Secret) => string[];
  redisesOf: (s: RedisSentinel) => string[];
}

/** What the provisioner watches, and which work-queue keys a change of each object wakes (order = controller.watches). */
function watchSources(apis: KubeApis, keys: SourceKeys) {
  const { redisesUsing, sentinelKeysUsing, secretUsers, redisesOf } = keys;
  return [
    source<Redis>({
      name: 'redises',
      path: `/apis/${KUBEDB_GROUP}/${KUBEDB_VERSION}/${REDIS_PLURAL}`,
      list: listCustom(apis, KUBEDB_GROUP, KUBEDB_VERSION, REDIS_PLURAL),
      keysFor: (r) => [keyOf(r.metadata)],
    }),
    source<{ metadata?: { name?: string } }>({
      name: 'redisversions',
      path: `/apis/${CATALOG_GROUP}/${CATALOG_VERSION}/${REDIS_VERSION_PLURAL}`,
      list: listCustom(apis, CATALOG_GROUP, CATALOG_VERSION, REDIS_VERSION_PLURAL),
      keysFor: (v) => [
        ...redisesUsing((r) => r.spec.version === v.metadata?.name),
        ...sentinelKeysUsing(v.metadata?.name),
      ],
    }),
    source<V1Secret>({
      name: 'secrets',
      path: '/api/v1/secrets',
      list: () => apis.core.listSecretForAllNamespaces(),
      keysFor: (s) => [...ownerKeys(s), ...secretUsers(s)],
    }),
    source<V1Service>({
      name: 'services',
      path: '/api/v1/services',
      list: () => apis.core.listServiceForAllNamespaces(),
      keysFor: (s) => ownerKeys(s),
    }),
    source<PetSetObject>({
      name: 'petsets',
      path: `/apis/${PETSET_GROUP}/${PETSET_VERSION}/${PETSET_PLURAL}`,
      list: listCustom(apis, PETSET_GROUP, PETSET_VERSION, PETSET_PLURAL),
      keysFor: (p) => ownerKeys(p),
    }),
    source<V1Pod>({
      name: 'pods',
      path: '/api/v1/pods',
      list: () => apis.core.listPodForAllNamespaces(),
      keysFor: podKeys,
    }),
    source<RedisSentinel>({
      name: 'redissentinels',
      path: `/apis/${KUBEDB_GROUP}/${KUBEDB_VERSION}/${SENTINEL_PLURAL}`,
      list: listCustom(apis, KUBEDB_GROUP, KUBEDB_VERSION, SENTINEL_PLURAL),
      keysFor: (s) => [SENTINEL_KEY + keyOf(s.metadata), ...redisesOf(s)],
    }),
  ];
}

export async function startProvisioner(
  kc: KubeConfig,
  opts: ProvisionerOptions = {},
): Promise<{ stop(): Promise<void> }> {
  const apis = makeApis(kc);
  const log = opts.log ?? makeLogger('provisioner');
  const redises = (): Redis[] => controller.watches[0]!.list() as unknown as Redis[];
  const sentinelsList = (): RedisSentinel[] => controller.watches[6]!.list() as unknown as RedisSentinel[];
  const redisesUsing = (pred: (r: Redis) => boolean): string[] =>
    redises()
      .filter(pred)
      .map((r) => keyOf(r.metadata));
  const secretUsers = (s: V1Secret): string[] =>
    redisesUsing(
      (r) =>
        r.metadata.namespace === s.metadata?.namespace &&
        [
          r.spec.configuration?.secretName,
          r.spec.configSecret?.name,
          r.spec.authSecret?.name,
          aclSpecOf(r)?.secretRef?.name,
        ].includes(s.metadata?.name),
    );
  const sentinelKeysUsing = (name: string | undefined): string[] =>
    sentinelsList()
      .filter((s) => s.spec.version === name)
      .map((s) => SENTINEL_KEY + keyOf(s.metadata));
  const redisesOf = (s: RedisSentinel): string[] =>
    redisesUsing((r) => {
      const ref = sentinelRef(r);
      return ref?.name === s.metadata.name && ref.namespace === s.metadata.namespace;
    });

  const controller = runController({
    name: 'provisioner',
    apis,
    log,
    reconcile: (key) =>
      key.startsWith(SENTINEL_KEY)
        ? sentinelReconciler.reconcile(key.slice(SENTINEL_KEY.length))
        : reconciler.reconcile(key),
    sources: watchSources(apis, { redisesUsing, sentinelKeysUsing, secretUsers, redisesOf }),
  });
  const [redisW, versionW, secretW, serviceW, petSetW, podW, sentinelW] = controller.watches;
  const byLabels = (name: string) => (ns: string, instance: string) =>
    (podW!.list() as V1Pod[]).filter(
      (p) =>
        p.metadata?.namespace === ns &&
        p.metadata.labels?.[INSTANCE_LABEL] === instance &&
        p.metadata.labels[NAME_LABEL] === name,
    );
  const caches: ProvisionerCaches = {
    redis: (key) => redisW!.get(key) as unknown as Redis | undefined,
    redisVersion: (name) => versionW!.get(name) as ReturnType<ProvisionerCaches['redisVersion']>,
    secret: (ns, name) => secretW!.get(`${ns}/${name}`),
    service: (ns, name) => serviceW!.get(`${ns}/${name}`),
    petSet: (ns, name) => petSetW!.get(`${ns}/${name}`) as PetSetObject | undefined,
    pods: byLabels('redises.kubedb.com'),
    pod: (ns, name) => podW!.get(`${ns}/${name}`),
    redisSentinel: (ns, name) => sentinelW!.get(`${ns}/${name}`) as unknown as RedisSentinel | undefined,
  };
  const reconciler = new ProvisionerReconciler(apis, caches, log);
  const sentinelReconciler = new SentinelReconciler(apis, {
    ...caches,
    sentinel: (key) => sentinelW!.get(key) as unknown as RedisSentinel | undefined,
    pods: byLabels(SENTINEL_RESOURCE_NAME),
  });
  await controller.synced;
  return { stop: () => controller.stop() };
}
