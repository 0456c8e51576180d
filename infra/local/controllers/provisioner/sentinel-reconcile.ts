/**
 * One RedisSentinel reconcile: auth secret → services → PetSet → status, idempotent like the Redis reconcile.
 * The sentinels start empty; which masters they monitor is registered at run time by the monitored Redis's pods
 * (KubeDB's sentinel on-start.sh), so one RedisSentinel can serve several Redises.
 */
import type { V1Pod, V1Secret, V1Service } from '@kubernetes/client-node';
import { SENTINEL_PLURAL } from '../../../../shared/kubedb/constants.ts';
import { sentinelAuthSecretName, sentinelReplicas, type RedisSentinel } from '../../../../shared/kubedb/topology.ts';
import { createIfAbsent, type KubeApis } from '../runtime/kube.ts';
import { ensurePetSets, type PetSetObject } from './petset-writer.ts';
import { governingServiceName } from './builders.ts';
import { ensureCertificates, issuerRefOf } from './certificates.ts';
import {
  buildSentinelAuthSecret,
  buildSentinelPetSet,
  buildSentinelServices,
  sentinelSelectors,
} from './sentinel-builders.ts';
import type { Problem } from './status.ts';
import { writeDatabaseStatus } from './status-writer.ts';
import { versionInfo } from './versions.ts';

interface SentinelCaches {
  sentinel(key: string): RedisSentinel | undefined;
  redisVersion(name: string): { spec?: { distribution?: string; db?: { image?: string } } } | undefined;
  secret(namespace: string, name: string): V1Secret | undefined;
  service(namespace: string, name: string): V1Service | undefined;
  petSet(namespace: string, name: string): PetSetObject | undefined;
  pods(namespace: string, instance: string): V1Pod[];
}

export class SentinelReconciler {
  private readonly apis: KubeApis;
  private readonly caches: SentinelCaches;

  constructor(apis: KubeApis, caches: SentinelCaches) {
    this.apis = apis;
    this.caches = caches;
  }

  async reconcile(key: string): Promise<void> {
    const s = this.caches.sentinel(key);
    if (!s || s.metadata.deletionTimestamp) return;
    const ns = s.metadata.namespace ?? 'default';
    const info = versionInfo(this.caches.redisVersion(s.spec.version));
    let problem: Problem | undefined = info.found
      ? undefined
      : { reason: 'VersionNotFound', message: `RedisVersion ${s.spec.version} not found` };
    const authName = sentinelAuthSecretName(s);
    if (!this.caches.secret(ns, authName)) {
      if (s.spec.authSecret?.name)
        problem ??= { reason: 'AuthSecretNotFound', message: `auth secret ${ns}/${authName} not found` };
      else
        await createIfAbsent(() =>
          this.apis.core.createNamespacedSecret({ namespace: ns, body: buildSentinelAuthSecret(s) }),
        );
    }
    for (const svc of buildSentinelServices(s)) {
      const name = (svc['metadata'] as { name: string }).name;
      if (!this.caches.service(ns, name))
        await createIfAbsent(() => this.apis.core.createNamespacedService({ namespace: ns, body: svc }));
    }
    const tls = await this.ensureTls(s);
    if (!problem)
      await ensurePetSets(this.apis, ns, [buildSentinelPetSet(s, info.image, info.distribution, tls)], (n, name) =>
        this.caches.petSet(n, name),
      );
    await this.writeStatus(s, problem);
  }

  /** spec.tls.issuerRef: `<sentinel>-{server,client,metrics-exporter}-cert` before the workload, as for a Redis. */
  private async ensureTls(s: RedisSentinel): Promise<boolean> {
    const ref = issuerRefOf(s.spec);
    if (!ref) return false;
    const owner = {
      apiVersion: 'kubedb.com/v1',
      kind: 'RedisSentinel' as const,
      name: s.metadata.name,
      namespace: s.metadata.namespace ?? 'default',
      uid: s.metadata.uid ?? '',
      governingService: governingServiceName(s.metadata.name),
      labels: sentinelSelectors(s.metadata.name),
    };
    await ensureCertificates(this.apis, owner, ref, (n, name) => this.caches.secret(n, name));
    return true;
  }

  private async writeStatus(s: RedisSentinel, problem: Problem | undefined): Promise<void> {
    const ns = s.metadata.namespace ?? 'default';
    const pods = this.caches.pods(ns, s.metadata.name).filter((p) => !p.metadata?.deletionTimestamp);
    await writeDatabaseStatus(this.apis, SENTINEL_PLURAL, s, pods, { expectedPods: sentinelReplicas(s), problem });
  }
}
