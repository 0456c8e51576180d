/**
 * KubeDB's sample Standalone Redis (the Reconfigure guide's `sample-redis`, config secret `maxclients 500`) as the
 * API server holds it once halt has paused it for an ops request: the Redis with its Paused condition, its
 * RedisVersion, the user's config secret, the operator-managed `default.conf`, the auth secret, its PetSet and its
 * one Ready pod. Seeded into an InMemoryKube for the steps' unit tests.
 */
import { buildEffectiveConfig } from '../../shared/config/effective-config.ts';
import { authSecretName, managedConfigSecretName } from '../../shared/kubedb/constants.ts';
import type { Redis, RedisOpsRequest } from '../../shared/kubedb/types.ts';
import { pausedBy } from '../../shared/steps/halt/decide-halt.ts';
import type { PodView } from '../../shared/steps/ports.ts';
import type { InMemoryKube } from './in-memory-kube.ts';
import { redis as redisObject, trueCondition } from './objects.ts';

export const USER_CONFIG_SECRET = 'rd-custom-config';
export const POD = 'sample-redis-0';
export const POD_IP = '10.0.0.10';

export interface SampleDatabase {
  ops: RedisOpsRequest;
  redis: Redis;
  namespace: string;
  managedSecret: string;
  pod: PodView;
}

/** Conditions halt leaves on an ops request it paused the database for. */
export const pausedConditions = () => [trueCondition('Reconfigure'), trueCondition('DatabasePauseSucceeded')];

export function seedSampleDatabase(
  kube: InMemoryKube,
  ops: RedisOpsRequest,
  opts: { currentConf?: string; paused?: boolean } = {},
): SampleDatabase {
  const base = redisObject();
  const namespace = base.metadata.namespace ?? '';
  const currentConf = opts.currentConf ?? 'maxclients 500\n';
  const storedOps = kube.addOpsRequest(ops);
  const redis = kube.addRedis({
    ...base,
    spec: { ...base.spec, configuration: { secretName: USER_CONFIG_SECRET } },
    status: {
      phase: 'Ready',
      conditions:
        opts.paused === false ? [] : [{ ...trueCondition('Paused'), reason: 'Paused', message: pausedBy(storedOps) }],
    },
  });
  kube.addRedisVersion({ name: base.spec.version, distribution: 'Official', version: base.spec.version });
  kube.addSecret(namespace, USER_CONFIG_SECRET, { 'redis.conf': currentConf });
  const managedSecret = managedConfigSecretName(redis.metadata.name, redis.metadata.uid ?? '');
  const effective = buildEffectiveConfig({ mode: 'Standalone', distribution: 'Official', secretConf: currentConf });
  kube.addSecret(namespace, managedSecret, { 'default.conf': effective });
  kube.addSecret(namespace, authSecretName(redis.metadata.name), { username: 'default', password: 'pw' });
  kube.addPetSet(namespace, redis.metadata.name, redis.metadata.name);
  const pod: PodView = { name: POD, uid: 'pod-uid-1', deleting: false, ready: true, podIP: POD_IP, restartCount: 0 };
  kube.addPod(namespace, redis.metadata.name, pod);
  return { ops: storedOps, redis, namespace, managedSecret, pod };
}
