import { REDIS_PORT } from '../../kubedb/constants.ts';
import type { Redis } from '../../kubedb/types.ts';
import type { RedisTarget, StepDeps } from '../ports.ts';
import { credentials } from '../topology/observe.ts';

/**
 * How functions reach a pod's Redis: `status.podIP:6379`, credentials from the database's auth secret (none with
 * spec.disableAuth) and, for a spec.tls database, TLS with the client certificate of `<db>-client-cert`.
 */
export async function redisTarget(redis: Redis, podIP: string, deps: StepDeps): Promise<RedisTarget> {
  return { host: podIP, port: REDIS_PORT, ...(await credentials(redis, deps)) };
}
