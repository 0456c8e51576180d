/**
 * Chooses the cluster registry beside the cluster access, from the same variables: kubeconfig-dir lists
 * KUBECONFIG_DIR, secrets-manager lists KUBECONFIG_SECRET_PREFIX. EKS access keeps credentials in IAM, not in a
 * store, so the registry is the secrets under CLUSTER_REGISTRY_SECRET_PREFIX (labels as tags, value unused).
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { MisconfigurationError } from '../../errors.ts';
import { CLUSTER_ACCESS_MODES, type ClusterAccessMode } from './cluster-access-from-env.ts';
import { KubeconfigDirRegistry, type ClusterRegistry } from './cluster-registry.ts';
import { SecretsManagerRegistry } from './cluster-registry-secrets-manager.ts';

export function clusterRegistryFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  deps: { secretsManager?: SecretsManagerClient } = {},
): ClusterRegistry {
  const mode = (env.CLUSTER_ACCESS ?? 'kubeconfig-dir') as ClusterAccessMode;
  if (!CLUSTER_ACCESS_MODES.includes(mode))
    throw new MisconfigurationError(`CLUSTER_ACCESS: must be one of ${CLUSTER_ACCESS_MODES.join(', ')}`);
  if (mode === 'kubeconfig-dir') return new KubeconfigDirRegistry(env.KUBECONFIG_DIR || '/opt/kubeconfigs');
  const variable = mode === 'eks' ? 'CLUSTER_REGISTRY_SECRET_PREFIX' : 'KUBECONFIG_SECRET_PREFIX';
  const prefix = env[variable];
  if (prefix === undefined || prefix === '')
    throw new MisconfigurationError(`${variable}: required for the cluster registry with CLUSTER_ACCESS=${mode}`);
  return new SecretsManagerRegistry({ prefix, client: deps.secretsManager });
}
