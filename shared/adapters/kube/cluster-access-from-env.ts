/**
 * Chooses the cluster-access resolver from the function's environment, validated once at cold start; errors name
 * the variable.
 *
 *   CLUSTER_ACCESS=kubeconfig-dir  (default)  KUBECONFIG_DIR=/opt/kubeconfigs        `<dir>/<clusterId>.kubeconfig`
 *   CLUSTER_ACCESS=eks                         CLUSTERS_CONFIG={"<clusterId>": {"eksClusterName","region"}}
 *                                              (+ "endpoint","caData" to skip eks:DescribeCluster; both or neither)
 *   CLUSTER_ACCESS=secrets-manager             KUBECONFIG_SECRET_PREFIX=redis-reconfigure/kubeconfig/
 *                                              KUBECONFIG_SECRET_TTL_SECONDS=300 (optional)
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { MisconfigurationError } from '../../errors.ts';
import { describeIssues } from '../../messages/parse.ts';
import { KubeconfigDirAccess, type ClusterAccess } from './cluster-access.ts';
import { clustersConfigSchema, EksTokenAccess, type CredentialsProvider } from './cluster-access-eks.ts';
import { SecretsManagerAccess } from './cluster-access-secrets-manager.ts';

export const CLUSTER_ACCESS_MODES = ['kubeconfig-dir', 'eks', 'secrets-manager'] as const;
export type ClusterAccessMode = (typeof CLUSTER_ACCESS_MODES)[number];

const jsonText = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `must be JSON: ${(err as Error).message}` });
    return z.NEVER;
  }
});

const modeSchema = z.object({ CLUSTER_ACCESS: z.enum(CLUSTER_ACCESS_MODES).default('kubeconfig-dir') });
const dirSchema = z.object({ KUBECONFIG_DIR: z.string().min(1).default('/opt/kubeconfigs') });
const eksSchema = z.object({
  CLUSTERS_CONFIG: jsonText.pipe(
    clustersConfigSchema.refine((c) => Object.keys(c).length > 0, 'must name at least one cluster'),
  ),
});
const secretsSchema = z.object({
  // Secret names allow letters, digits and /_+=.@- ; the cluster id is appended.
  KUBECONFIG_SECRET_PREFIX: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9/_+=.@-]+$/, 'must be a valid Secrets Manager name prefix'),
  KUBECONFIG_SECRET_TTL_SECONDS: z.coerce.number().int().positive().max(86_400).default(300),
});

function parse<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv, mode: string): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success)
    throw new MisconfigurationError(
      `invalid cluster access configuration (CLUSTER_ACCESS=${mode}): ${describeIssues(result.error)}`,
    );
  return result.data;
}

interface ClusterAccessDeps {
  secretsManager?: SecretsManagerClient;
  credentials?: CredentialsProvider;
}

export function clusterAccessFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  deps: ClusterAccessDeps = {},
): ClusterAccess {
  const { CLUSTER_ACCESS: mode } = parse(modeSchema, env, env.CLUSTER_ACCESS ?? '(unset)');
  switch (mode) {
    case 'kubeconfig-dir':
      return new KubeconfigDirAccess(parse(dirSchema, env, mode).KUBECONFIG_DIR);
    case 'eks':
      return new EksTokenAccess(parse(eksSchema, env, mode).CLUSTERS_CONFIG, { credentials: deps.credentials });
    case 'secrets-manager': {
      const e = parse(secretsSchema, env, mode);
      return new SecretsManagerAccess({
        prefix: e.KUBECONFIG_SECRET_PREFIX,
        ttlMs: e.KUBECONFIG_SECRET_TTL_SECONDS * 1000,
        client: deps.secretsManager,
      });
    }
  }
}
