/**
 * The step ports for `redis-reconfigure plan`: every read goes to the cluster and the pods as the functions' would
 * (KubeAdapter, RedisAdapter), every write throws. The plan reuses the steps' reading code, and this wrapper is what
 * guarantees that doing so changes nothing — a write reached from it is a bug, reported loudly, never performed.
 */
import { discardMetrics } from '../shared/observability/metrics.ts';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeAdapter } from '../shared/adapters/kube/kube-adapter.ts';
import { RedisAdapter } from '../shared/adapters/redis/redis-adapter.ts';
import { silentLogger } from '../shared/logging.ts';
import type { KubePort, RedisPort, StepDeps } from '../shared/steps/ports.ts';
import { DEFAULT_SAFETY_NET_SECONDS } from '../shared/steps/timing.ts';

/** A plan tried to write: never performed. */
class PlanWriteError extends Error {
  override name = 'PlanWriteError';
}

const refuse = (what: string) => (): Promise<never> =>
  Promise.reject(new PlanWriteError(`plan is read-only, yet it tried to ${what}; nothing was written`));

function readOnlyKube(kc: KubeConfig): KubePort {
  const kube = new KubeAdapter(kc);
  return {
    getOpsRequest: (ns, name) => kube.getOpsRequest(ns, name),
    listOpsRequests: (ns) => kube.listOpsRequests(ns),
    getRedis: (ns, name) => kube.getRedis(ns, name),
    listRedises: (ns) => kube.listRedises(ns),
    getRedisVersion: (name) => kube.getRedisVersion(name),
    getRedisSentinel: (ns, name) => kube.getRedisSentinel(ns, name),
    getSecret: (ns, name) => kube.getSecret(ns, name),
    listDatabasePods: (ns, name) => kube.listDatabasePods(ns, name),
    getPod: (ns, name) => kube.getPod(ns, name),
    writeOpsStatus: refuse('write an ops request status'),
    writeOpsAnnotations: refuse('annotate an ops request'),
    writeRedisConditions: refuse('write Redis conditions'),
    writeRedisConfiguration: refuse('write a Redis spec.configuration'),
    writeRedisAcl: refuse("write a Redis's ACL rules"),
    putSecret: refuse('write a Secret'),
    annotatePetSetTemplates: refuse('annotate PetSets'),
    evictPod: refuse('evict a pod'),
    recordEvent: refuse('record an Event'),
  };
}

function readOnlyRedis(): RedisPort {
  const redis = new RedisAdapter();
  return {
    configGet: (t, p) => redis.configGet(t, p),
    info: (t, s) => redis.info(t, s),
    clusterNodes: (t) => redis.clusterNodes(t),
    clusterInfo: (t) => redis.clusterInfo(t),
    sentinelPrimary: (t, m) => redis.sentinelPrimary(t, m),
    sentinelFailoverInProgress: (t, m) => redis.sentinelFailoverInProgress(t, m),
    aclGetUser: (t, u) => redis.aclGetUser(t, u),
    aclList: (t) => redis.aclList(t),
    configSet: refuse('CONFIG SET'),
    clusterFailover: refuse('CLUSTER FAILOVER'),
    sentinelFailover: refuse('SENTINEL FAILOVER'),
    pauseWrites: refuse('CLIENT PAUSE'),
    resumeWrites: refuse('CLIENT UNPAUSE'),
    replicaOf: refuse('REPLICAOF'),
    aclSetUser: refuse('ACL SETUSER'),
    aclDelUser: refuse('ACL DELUSER'),
  };
}

export function readOnlyDeps(kc: KubeConfig, now: () => Date): StepDeps {
  return {
    settings: { stallSeconds: 0, safetyNetSeconds: DEFAULT_SAFETY_NET_SECONDS },
    kube: readOnlyKube(kc),
    redis: readOnlyRedis(),
    events: { publish: async () => undefined },
    metrics: discardMetrics,
    queue: { send: refuse('send a step message') },
    now,
    log: silentLogger,
  };
}
