/** The lists the runbook commands read, in one namespace or across all of them (`-A`), as kubectl get does. */
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import * as k from '../shared/kubedb/constants.ts';
import type { Redis, RedisOpsRequest } from '../shared/kubedb/types.ts';
import { translateApiError } from '../shared/adapters/kube/api-errors.ts';

const opsResource = { group: k.OPS_GROUP, version: k.OPS_VERSION, plural: k.OPS_PLURAL };
const redisResource = { group: k.KUBEDB_GROUP, version: k.KUBEDB_VERSION, plural: k.REDIS_PLURAL };

async function list<T>(
  kc: KubeConfig,
  resource: { group: string; version: string; plural: string },
  namespace: string | undefined,
): Promise<T[]> {
  const api = kc.makeApiClient(CustomObjectsApi);
  try {
    const answer = (
      namespace === undefined
        ? await api.listClusterCustomObject(resource)
        : await api.listNamespacedCustomObject({ ...resource, namespace })
    ) as { items: T[] };
    return answer.items;
  } catch (err) {
    // fetch's own message is only "fetch failed"; the reason (ECONNREFUSED, a certificate error) is its cause's.
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message;
    const what = `list ${resource.plural}${namespace === undefined ? '' : ` in ${namespace}`} at ${kc.getCurrentCluster()?.server ?? '?'}`;
    throw translateApiError(err, why === undefined ? what : `${what} (${why})`);
  }
}

export const listOpsRequests = (kc: KubeConfig, namespace: string | undefined): Promise<RedisOpsRequest[]> =>
  list<RedisOpsRequest>(kc, opsResource, namespace);

export const listRedises = (kc: KubeConfig, namespace: string | undefined): Promise<Redis[]> =>
  list<Redis>(kc, redisResource, namespace);
