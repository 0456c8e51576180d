/**
 * A KubeDB-like Redis provisioner that is only an API client: list+watch of Redis, RedisVersion, Secrets,
 * Services, PetSets and Pods; every event maps to the owning Redis's key; one reconcile per Redis at a time.
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
} from '../../../../shared/kubedb/constants.ts';
import type { Redis } from '../../../../shared/kubedb/types.ts';
import { runController, source } from '../runtime/controller.ts';
import { keyOf, makeApis, type KubeApis } from '../runtime/kube.ts';
import type { ListResult } from '../runtime/list-watch.ts';
import { makeLogger, type Logger } from '../runtime/log.ts';
import { ProvisionerReconciler, type PetSetObject, type ProvisionerCaches } from './reconcile.ts';

export { defaultRedisVersions } from './versions.ts';

export interface ProvisionerOptions {
  log?: Logger;
}

const INSTANCE_LABEL = 'app.kubernetes.io/instance';
const NAME_LABEL = 'app.kubernetes.io/name';

interface Meta {
  metadata?: { name?: string; namespace?: string; ownerReferences?: { kind: string; name: string }[]; labels?: Record<string, string> };
}

const ownerKeys = (obj: Meta): string[] =>
  (obj.metadata?.ownerReferences ?? []).filter((o) => o.kind === 'Redis').map((o) => `${obj.metadata?.namespace}/${o.name}`);

function listCustom<T>(apis: KubeApis, group: string, version: string, plural: string): () => Promise<ListResult<T>> {
  return async () => (await apis.custom.listClusterCustomObject({ group, version, plural })) as ListResult<T>;
}

export async function startProvisioner(kc: KubeConfig, opts: ProvisionerOptions = {}): Promise<{ stop(): Promise<void> }> {
  const apis = makeApis(kc);
  const log = opts.log ?? makeLogger('provisioner');
  const redises = (): Redis[] => controller.watches[0]!.list() as unknown as Redis[];
  const redisesUsing = (pred: (r: Redis) => boolean): string[] => redises().filter(pred).map((r) => keyOf(r.metadata));
  const secretUsers = (s: V1Secret): string[] =>
    redisesUsing(
      (r) =>
        r.metadata.namespace === s.metadata?.namespace &&
        [r.spec.configuration?.secretName, r.spec.configSecret?.name, r.spec.authSecret?.name].includes(s.metadata?.name),
    );

  const controller = runController({
    name: 'provisioner',
    apis,
    log,
    reconcile: (key) => reconciler.reconcile(key),
    sources: [
      source<Redis>({ name: 'redises', path: `/apis/${KUBEDB_GROUP}/${KUBEDB_VERSION}/${REDIS_PLURAL}`, list: listCustom(apis, KUBEDB_GROUP, KUBEDB_VERSION, REDIS_PLURAL), keysFor: (r) => [keyOf(r.metadata)] }),
      source<{ metadata?: { name?: string } }>({
        name: 'redisversions',
        path: `/apis/${CATALOG_GROUP}/${CATALOG_VERSION}/${REDIS_VERSION_PLURAL}`,
        list: listCustom(apis, CATALOG_GROUP, CATALOG_VERSION, REDIS_VERSION_PLURAL),
        keysFor: (v) => redisesUsing((r) => r.spec.version === v.metadata?.name),
      }),
      source<V1Secret>({ name: 'secrets', path: '/api/v1/secrets', list: () => apis.core.listSecretForAllNamespaces(), keysFor: (s) => [...ownerKeys(s), ...secretUsers(s)] }),
      source<V1Service>({ name: 'services', path: '/api/v1/services', list: () => apis.core.listServiceForAllNamespaces(), keysFor: (s) => ownerKeys(s) }),
      source<PetSetObject>({ name: 'petsets', path: `/apis/${PETSET_GROUP}/${PETSET_VERSION}/${PETSET_PLURAL}`, list: listCustom(apis, PETSET_GROUP, PETSET_VERSION, PETSET_PLURAL), keysFor: (p) => ownerKeys(p) }),
      source<V1Pod>({
        name: 'pods',
        path: '/api/v1/pods',
        list: () => apis.core.listPodForAllNamespaces(),
        keysFor: (p) => {
          const labels = p.metadata?.labels ?? {};
          return labels[NAME_LABEL] === 'redises.kubedb.com' && labels[INSTANCE_LABEL] ? [`${p.metadata?.namespace}/${labels[INSTANCE_LABEL]}`] : [];
        },
      }),
    ],
  });
  const [redisW, versionW, secretW, serviceW, petSetW, podW] = controller.watches;
  const caches: ProvisionerCaches = {
    redis: (key) => redisW!.get(key) as unknown as Redis | undefined,
    redisVersion: (name) => versionW!.get(name) as ReturnType<ProvisionerCaches['redisVersion']>,
    secret: (ns, name) => secretW!.get(`${ns}/${name}`),
    service: (ns, name) => serviceW!.get(`${ns}/${name}`),
    petSet: (ns, name) => petSetW!.get(`${ns}/${name}`) as PetSetObject | undefined,
    pods: (ns, instance) =>
      (podW!.list() as V1Pod[]).filter(
        (p) => p.metadata?.namespace === ns && p.metadata.labels?.[INSTANCE_LABEL] === instance && p.metadata.labels[NAME_LABEL] === 'redises.kubedb.com',
      ),
  };
  const reconciler = new ProvisionerReconciler(apis, caches);
  await controller.synced;
  return { stop: () => controller.stop() };
}
