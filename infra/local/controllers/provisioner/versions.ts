/**
 * RedisVersion catalog entries (catalog.kubedb.com/v1alpha1, cluster-scoped) the local stack applies at start,
 * and what the provisioner reads from one: the distribution (Official | Valkey) and the database image.
 * Image names follow KubeDB's catalog style; locally they are labels only (the kubelet runs redis-server).
 */
export type Distribution = 'Official' | 'Valkey';

interface RedisVersionObject {
  apiVersion: 'catalog.kubedb.com/v1alpha1';
  kind: 'RedisVersion';
  metadata: { name: string };
  spec: {
    version: string;
    distribution?: Distribution;
    db: { image: string };
    coordinator: { image: string };
    exporter: { image: string };
    initContainer?: { image: string };
    podSecurityPolicies: { databasePolicyName: string };
  };
}

function version(name: string, ver: string, distribution: Distribution, dbImage: string): RedisVersionObject {
  return {
    apiVersion: 'catalog.kubedb.com/v1alpha1',
    kind: 'RedisVersion',
    metadata: { name },
    spec: {
      version: ver,
      distribution,
      db: { image: dbImage },
      coordinator: { image: 'ghcr.io/kubedb/redis-coordinator:v0.40.0' },
      exporter: { image: 'ghcr.io/kubedb/redis_exporter:v1.66.0' },
      initContainer: { image: 'ghcr.io/kubedb/redis-init:0.12.0' },
      podSecurityPolicies: { databasePolicyName: 'redis-db' },
    },
  };
}

/**
 * One RedisVersion per engine line that has a directive table (shared/config/flags.ts), named as KubeDB's catalog
 * names them (kubedb/installer charts/kubedb-catalog templates/redis: non-deprecated entries). The catalog has no
 * Valkey 9 entry yet; `valkey-9.0.0` follows its `valkey-<version>` naming so that the Valkey 9.0 table is reachable.
 */
export function defaultRedisVersions(): RedisVersionObject[] {
  return [
    version('6.2.14', '6.2.14', 'Official', 'redis:6.2.14'),
    version('7.0.15', '7.0.15', 'Official', 'redis:7.0.15'),
    version('7.2.4', '7.2.4', 'Official', 'redis:7.2.4'),
    version('7.4.1', '7.4.1', 'Official', 'redis:7.4.1'),
    version('8.0.4', '8.0.4', 'Official', 'redis:8.0.4'),
    version('8.2.2', '8.2.2', 'Official', 'redis:8.2.2'),
    version('valkey-7.2.5', '7.2.5', 'Valkey', 'valkey/valkey:7.2.5'),
    version('valkey-8.0.3', '8.0.3', 'Valkey', 'valkey/valkey:8.0.3'),
    version('valkey-8.1.1', '8.1.1', 'Valkey', 'valkey/valkey:8.1.1'),
    version('valkey-9.0.0', '9.0.0', 'Valkey', 'valkey/valkey:9.0.0'),
  ];
}

export interface VersionInfo {
  distribution: Distribution;
  image: string;
  /** False when the RedisVersion does not exist: the provisioner still works, with a placeholder image. */
  found: boolean;
}

const PLACEHOLDER_IMAGE = 'redis:unknown-version';

export function versionInfo(
  rv: { spec?: { distribution?: string; db?: { image?: string } } } | undefined,
): VersionInfo {
  if (!rv) return { distribution: 'Official', image: PLACEHOLDER_IMAGE, found: false };
  return {
    distribution: rv.spec?.distribution === 'Valkey' ? 'Valkey' : 'Official',
    image: rv.spec?.db?.image ?? PLACEHOLDER_IMAGE,
    found: true,
  };
}
