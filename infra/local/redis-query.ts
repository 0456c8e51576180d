/** Read a directive from a database pod the way a user would (`kubectl exec ... redis-cli config get`). */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { RedisAdapter } from '../../shared/adapters/redis/redis-adapter.ts';
import { authSecretName, REDIS_PORT } from '../../shared/kubedb/constants.ts';

export async function configGetOnPod(
  kc: KubeConfig,
  namespace: string,
  pod: string,
  redisName: string,
  parameter: string,
): Promise<string | undefined> {
  const core = kc.makeApiClient(CoreV1Api);
  const p = await core.readNamespacedPod({ namespace, name: pod });
  const ip = p.status?.podIP;
  if (ip === undefined) throw new Error(`pod ${namespace}/${pod} has no IP yet`);
  const secret = await core.readNamespacedSecret({ namespace, name: authSecretName(redisName) });
  const decode = (v: string | undefined) => (v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8'));
  const password = decode(secret.data?.['password']);
  const username = decode(secret.data?.['username']);
  const values = await new RedisAdapter().configGet(
    {
      host: ip,
      port: REDIS_PORT,
      ...(password !== undefined ? { password } : {}),
      ...(username !== undefined ? { username } : {}),
    },
    [parameter],
  );
  return values[parameter];
}
