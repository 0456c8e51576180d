import { OpsRequestFailedError } from '../../errors.ts';
import { authSecretName, REDIS_PORT } from '../../kubedb/constants.ts';
import type { Redis } from '../../kubedb/types.ts';
import type { RedisTarget, StepDeps } from '../ports.ts';

/** How functions reach a pod's Redis: `status.podIP:6379`, credentials from the database's auth secret. */
export async function redisTarget(redis: Redis, podIP: string, deps: StepDeps): Promise<RedisTarget> {
  const ns = redis.metadata.namespace ?? '';
  const name = redis.spec.authSecret?.name ?? authSecretName(redis.metadata.name);
  const secret = await deps.kube.getSecret(ns, name);
  if (secret === undefined) throw new OpsRequestFailedError('AuthSecretNotFound', `auth secret ${ns}/${name} of Redis ${redis.metadata.name} not found`);
  const password = secret.data['password'];
  const username = secret.data['username'];
  return { host: podIP, port: REDIS_PORT, ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}) };
}
