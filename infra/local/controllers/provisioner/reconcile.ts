/**
 * One Redis reconcile, as an ordered list of named steps: auth secret → managed config secret → services →
 * PetSets → status. Reads come from the ListWatch caches; writes are idempotent (create-if-absent, rewrite only
 * on difference, PetSet replace guarded by resourceVersion), so re-running it changes nothing the second time.
 * A Redis with condition Paused=True is skipped entirely, as KubeDB's work queue does
 * (kubedb/redis pkg/controller/workqueue.go: "the operator will ignore the change events from the DB object").
 */
import type { V1Pod, V1Secret, V1Service } from '@kubernetes/client-node';
import {
  ConfigKey,
  DbCondition,
  KUBEDB_GROUP,
  KUBEDB_VERSION,
  REDIS_PLURAL,
  authSecretName,
  managedConfigSecretName,
  offshootSelectors,
} from '../../../../shared/kubedb/constants.ts';
import { podNames } from '../names.ts';
import {
  redisMode,
  sentinelAuthSecretName,
  sentinelRef,
  type RedisSentinel,
} from '../../../../shared/kubedb/topology.ts';
import type { Redis } from '../../../../shared/kubedb/types.ts';
import type { TopologyHealth } from '../coordinator/topology-health.ts';
import { createIfAbsent, mergePatch, type KubeApis } from '../runtime/kube.ts';
import type { Logger } from '../runtime/log.ts';
import type { ReconcileResult } from '../runtime/work-queue.ts';
import { addAclVolume, ensureAclSecret } from './acl-secret.ts';
import { buildAuthSecret, buildConfigSecret, buildServices, governingServiceName, petSetPlan } from './builders.ts';
import { ensureCertificates, issuerRefOf } from './certificates.ts';
import { buildEffectiveConfig } from './effective-config.ts';
import { ensurePetSets, type PetSetObject } from './petset-writer.ts';
import type { Problem } from './status.ts';
import { writeDatabaseStatus } from './status-writer.ts';
import { topologyStep } from './topology-step.ts';
import { versionInfo, type VersionInfo } from './versions.ts';

export type { PetSetObject };
/** Re-observe a multi-pod topology this often (roles change without any API event: failovers, links). */
const TOPOLOGY_RESYNC_MS = { healthy: 2000, converging: 300 };

export interface ProvisionerCaches {
  redis(key: string): Redis | undefined;
  redisVersion(name: string): { spec?: { distribution?: string; db?: { image?: string } } } | undefined;
  secret(namespace: string, name: string): V1Secret | undefined;
  service(namespace: string, name: string): V1Service | undefined;
  petSet(namespace: string, name: string): PetSetObject | undefined;
  pods(namespace: string, instance: string): V1Pod[];
  pod(namespace: string, name: string): V1Pod | undefined;
  redisSentinel(namespace: string, name: string): RedisSentinel | undefined;
}

const isPaused = (redis: Redis): boolean =>
  (redis.status?.conditions ?? []).some((c) => c.type === DbCondition.Paused && c.status === 'True');

const decode = (s: V1Secret | undefined, key: string): string | undefined => {
  const v = s?.data?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
};

/** The user config inputs: spec.configuration.secretName (or deprecated spec.configSecret.name) and inline. */
function userConfig(
  redis: Redis,
  info: VersionInfo,
  caches: ProvisionerCaches,
): { secretConf?: string; inlineConf?: string; problem?: Problem } {
  const key = info.distribution === 'Valkey' ? ConfigKey.Valkey : ConfigKey.Redis;
  const ns = redis.metadata.namespace ?? 'default';
  const inlineConf = redis.spec.configuration?.inline?.[key];
  const secretName = redis.spec.configuration?.secretName ?? redis.spec.configSecret?.name;
  const inline = inlineConf !== undefined ? { inlineConf } : {};
  if (!secretName) return inline;
  const secret = caches.secret(ns, secretName);
  if (!secret)
    return {
      ...inline,
      problem: { reason: 'ConfigSecretNotFound', message: `config secret ${ns}/${secretName} not found` },
    };
  const secretConf = decode(secret, key);
  if (secretConf === undefined) {
    return {
      ...inline,
      problem: { reason: 'ConfigSecretKeyNotFound', message: `config secret ${ns}/${secretName} has no key ${key}` },
    };
  }
  return { ...inline, secretConf };
}

export class ProvisionerReconciler {
  private readonly apis: KubeApis;
  private readonly caches: ProvisionerCaches;

  private readonly log: Logger;

  constructor(apis: KubeApis, caches: ProvisionerCaches, log: Logger) {
    this.apis = apis;
    this.caches = caches;
    this.log = log;
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const redis = this.caches.redis(key);
    if (!redis || redis.metadata.deletionTimestamp || isPaused(redis)) return;
    const info = versionInfo(this.caches.redisVersion(redis.spec.version));
    const authSecret = await this.ensureAuthSecret(redis);
    const config = await this.ensureConfigSecret(redis, info);
    const acl = await ensureAclSecret(this.apis, redis, (ns, name) => this.caches.secret(ns, name));
    await this.ensureServices(redis);
    const sentinel = this.sentinelOf(redis);
    const missingVersion = versionProblem(info.found, redis.spec.version);
    const tls = await this.ensureTls(redis);
    const problem = authSecret.problem ?? config.problem ?? acl.problem ?? sentinel.problem ?? missingVersion;
    if (authSecret.ok && config.exists && acl.ready && !sentinel.problem) {
      const desired = petSetPlan({
        redis,
        distribution: info.distribution,
        image: info.image,
        authSecret: authSecret.name,
        configSecret: config.name,
        tls,
        ...sentinel.ok,
      });
      await ensurePetSets(
        this.apis,
        redis.metadata.namespace ?? 'default',
        addAclVolume(desired, acl.name),
        (ns, name) => this.caches.petSet(ns, name),
      );
    }
    const topology = authSecret.ok
      ? await topologyStep(redis, {
          inputs: this.caches,
          ...(authSecret.name ? { authSecret: authSecret.name } : {}),
          tls,
          ...sentinel.ok,
          log: this.log,
        })
      : undefined;
    await this.writeStatus(redis, problem, topology);
    return resyncOf(redis, topology);
  }

  /** Sentinel mode: the RedisSentinel of spec.sentinelRef, which must exist and (locally) share the namespace. */
  private sentinelOf(redis: Redis): {
    ok?: { sentinel: { object: RedisSentinel; authSecret: string } };
    problem?: Problem;
  } {
    if (redisMode(redis) !== 'Sentinel') return {};
    const ref = sentinelRef(redis);
    if (!ref) return { problem: { reason: 'SentinelRefMissing', message: 'mode Sentinel needs spec.sentinelRef' } };
    if (ref.namespace !== (redis.metadata.namespace ?? 'default')) {
      // A pod's secretKeyRef cannot cross namespaces, and the local provisioner does not copy the sentinel's secret.
      return {
        problem: {
          reason: 'UnsupportedSentinelRef',
          message: `sentinel ${ref.namespace}/${ref.name} is in another namespace (not supported locally)`,
        },
      };
    }
    const object = this.caches.redisSentinel(ref.namespace, ref.name);
    if (!object)
      return {
        problem: { reason: 'SentinelNotFound', message: `RedisSentinel ${ref.namespace}/${ref.name} not found` },
      };
    if (!this.caches.secret(ref.namespace, sentinelAuthSecretName(object))) {
      return {
        problem: {
          reason: 'SentinelNotFound',
          message: `RedisSentinel ${ref.namespace}/${ref.name} has no auth secret yet`,
        },
      };
    }
    if (Boolean(issuerRefOf(redis.spec)) !== Boolean(issuerRefOf(object.spec))) {
      // KubeDB's Sentinel TLS guide: "Either Sentinel instance and Redis database both should have TLS enabled or
      // both have TLS disabled" — a TLS-only sentinel cannot monitor a plaintext Redis, nor the other way round.
      return {
        problem: {
          reason: 'TLSMismatch',
          message: `Redis and RedisSentinel ${ref.namespace}/${ref.name} must both have spec.tls, or neither`,
        },
      };
    }
    return { ok: { sentinel: { object, authSecret: sentinelAuthSecretName(object) } } };
  }

  /**
   * The auth secret: the user's `spec.authSecret.name` (KubeDB uses it as is and never generates one then; it must
   * exist, with keys username/password), else `<db>-auth`, generated once. `spec.disableAuth: true`: none at all
   * (ok without a name), so the pods get no REDIS_PASSWORD and run without requirepass.
   */
  private async ensureAuthSecret(redis: Redis): Promise<{ ok: boolean; name?: string; problem?: Problem }> {
    if (redis.spec.disableAuth === true) return { ok: true };
    const ns = redis.metadata.namespace ?? 'default';
    const name = redis.spec.authSecret?.name ?? authSecretName(redis.metadata.name);
    if (this.caches.secret(ns, name)) return { ok: true, name };
    if (name !== authSecretName(redis.metadata.name)) {
      return { ok: false, problem: { reason: 'AuthSecretNotFound', message: `auth secret ${ns}/${name} not found` } };
    }
    await createIfAbsent(() => this.apis.core.createNamespacedSecret({ namespace: ns, body: buildAuthSecret(redis) }));
    return { ok: true, name };
  }

  /**
   * spec.tls.issuerRef: the three certificate secrets exist before the workload (KubeDB waits for them; here they
   * are issued in this call). True when the pods are to run TLS-only.
   */
  private async ensureTls(redis: Redis): Promise<boolean> {
    const ref = issuerRefOf(redis.spec);
    if (!ref) return false;
    const ns = redis.metadata.namespace ?? 'default';
    const owner = {
      apiVersion: redis.apiVersion ?? 'kubedb.com/v1',
      kind: 'Redis' as const,
      name: redis.metadata.name,
      namespace: ns,
      uid: redis.metadata.uid ?? '',
      governingService: governingServiceName(redis.metadata.name),
      labels: offshootSelectors(redis.metadata.name),
    };
    await ensureCertificates(this.apis, owner, ref, (n, name) => this.caches.secret(n, name));
    return true;
  }

  private async ensureConfigSecret(
    redis: Redis,
    info: VersionInfo,
  ): Promise<{ name: string; exists: boolean; problem?: Problem }> {
    const ns = redis.metadata.namespace ?? 'default';
    const name = managedConfigSecretName(redis.metadata.name, redis.metadata.uid ?? '');
    const current = this.caches.secret(ns, name);
    const user = userConfig(redis, info, this.caches);
    if (user.problem) return { name, exists: current !== undefined, problem: user.problem };
    const mode = redis.spec.mode ?? 'Standalone';
    const built = buildEffectiveConfig({ mode, distribution: info.distribution, ...stripUndefined(user) });
    if ('problem' in built) return { name, exists: current !== undefined, problem: built.problem };
    const effective = built.config;
    const body = buildConfigSecret(redis, effective);
    if (!current) {
      await createIfAbsent(() => this.apis.core.createNamespacedSecret({ namespace: ns, body }));
    } else if (decode(current, ConfigKey.Default) !== effective && !(await this.pausedNow(redis))) {
      // The managed secret must always equal what spec.configuration builds: a drifted secret is rewritten.
      // Re-checked against a fresh read: the ops-manager may have paused the Redis since our cache saw it.
      await this.apis.core.patchNamespacedSecret({ name, namespace: ns, body: { data: body['data'] } }, mergePatch);
    }
    return { name, exists: true };
  }

  private async pausedNow(redis: Redis): Promise<boolean> {
    const fresh = (await this.apis.custom.getNamespacedCustomObject({
      group: KUBEDB_GROUP,
      version: KUBEDB_VERSION,
      namespace: redis.metadata.namespace ?? 'default',
      plural: REDIS_PLURAL,
      name: redis.metadata.name,
    })) as Redis;
    return isPaused(fresh);
  }

  private async ensureServices(redis: Redis): Promise<void> {
    const ns = redis.metadata.namespace ?? 'default';
    for (const svc of buildServices(redis)) {
      const name = (svc['metadata'] as { name: string }).name;
      if (!this.caches.service(ns, name))
        await createIfAbsent(() => this.apis.core.createNamespacedService({ namespace: ns, body: svc }));
    }
  }

  private async writeStatus(
    redis: Redis,
    problem: Problem | undefined,
    topology: TopologyHealth | undefined,
  ): Promise<void> {
    const ns = redis.metadata.namespace ?? 'default';
    const expected = new Set(podNames(redis));
    const pods = this.caches
      .pods(ns, redis.metadata.name)
      .filter((p) => !p.metadata?.deletionTimestamp && expected.has(p.metadata?.name ?? ''));
    await writeDatabaseStatus(this.apis, REDIS_PLURAL, redis, pods, { expectedPods: expected.size, problem, topology });
  }
}

/** Multi-pod topologies are re-observed periodically: their roles change without any API event. */
function resyncOf(redis: Redis, topology: TopologyHealth | undefined): ReconcileResult {
  if (redisMode(redis) === 'Standalone') return;
  return { requeueAfterMs: topology?.state === 'healthy' ? TOPOLOGY_RESYNC_MS.healthy : TOPOLOGY_RESYNC_MS.converging };
}

function stripUndefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k !== 'problem')) as Partial<T>;
}

const versionProblem = (found: boolean, version: string): Problem | undefined =>
  found ? undefined : { reason: 'VersionNotFound', message: `RedisVersion ${version} not found` };
