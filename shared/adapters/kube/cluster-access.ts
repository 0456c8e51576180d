/**
 * One port resolves a cluster id to API credentials (docs/deploy.md §5). Local: a directory of kubeconfig
 * files named `<clusterId>.kubeconfig` (this file). Deployed: EKS tokens from the function's IAM role
 * (cluster-access-eks.ts) or kubeconfigs in Secrets Manager (cluster-access-secrets-manager.ts); chosen by
 * `clusterAccessFromEnv` (cluster-access-from-env.ts). Every resolver answers an unknown id with UnknownClusterError.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { UnknownClusterError } from '../../errors.ts';

export interface ClusterAccess {
  kubeConfigFor(clusterId: string): Promise<KubeConfig>;
}

export class KubeconfigDirAccess implements ClusterAccess {
  readonly #dir: string;
  readonly #cache = new Map<string, Promise<KubeConfig>>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  kubeConfigFor(clusterId: string): Promise<KubeConfig> {
    let pending = this.#cache.get(clusterId);
    if (pending === undefined) {
      pending = this.#load(clusterId);
      this.#cache.set(clusterId, pending);
      // A failed load must not be cached: the file may appear later.
      pending.catch(() => this.#cache.delete(clusterId));
    }
    return pending;
  }

  async #load(clusterId: string): Promise<KubeConfig> {
    const path = join(this.#dir, `${clusterId}.kubeconfig`);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new UnknownClusterError(`unknown cluster "${clusterId}": no kubeconfig at ${path}`);
      }
      throw err;
    }
    const kc = new KubeConfig();
    kc.loadFromString(text);
    return kc;
  }
}
