/**
 * How KubeDB's Redis workload runs TLS-only (kubedb/redis pkg/controller statefulset: the `tls-volume` projected
 * volume and the redis container's TLS arguments):
 * - `/certs/` holds `ca.crt`, `server.crt`, `server.key` (from `<db>-server-cert`) and `client.crt`, `client.key`
 *   (from `<db>-client-cert`) — the paths KubeDB's TLS guide uses with `redis-cli --tls --cert /certs/client.crt
 *   --key /certs/client.key --cacert /certs/ca.crt`;
 * - `--tls-port 6379 --port 0` (no plaintext listener: the guide's plain `redis-cli` gets "Connection reset by
 *   peer"), `--tls-cert-file`, `--tls-key-file`, `--tls-ca-cert-file`; Cluster mode adds `--tls-replication yes`
 *   and `--tls-cluster yes` (cluster bus over TLS), Sentinel mode `--tls-replication yes` (replicas connect to the
 *   primary over TLS, as they must: the primary has no plaintext port). `tls-auth-clients` keeps its default `yes`:
 *   every client, replicas and cluster peers included, presents a certificate signed by the CA.
 */
import type { RedisMode } from '../../../../shared/kubedb/topology.ts';
import { certSecretName } from './certificates.ts';

const CERTS_MOUNT = '/certs';

/**
 * RedisSentinel pods get the same arguments on 26379 plus `--tls-replication yes`: Sentinel connects to the
 * monitored servers over TLS only with tls-replication, and the same directive makes its own port (where the other
 * sentinels connect) TLS (redis.io TLS docs, "Sentinel").
 */
export function tlsArgs(mode: RedisMode | 'Sentinel-server', port = 6379): string[] {
  const base = [
    '--tls-port',
    String(port),
    '--port',
    '0',
    '--tls-cert-file',
    `${CERTS_MOUNT}/server.crt`,
    '--tls-key-file',
    `${CERTS_MOUNT}/server.key`,
    '--tls-ca-cert-file',
    `${CERTS_MOUNT}/ca.crt`,
  ];
  if (mode === 'Cluster') return [...base, '--tls-replication', 'yes', '--tls-cluster', 'yes'];
  if (mode === 'Sentinel' || mode === 'Sentinel-server') return [...base, '--tls-replication', 'yes'];
  return base;
}

export const TLS_VOLUME_MOUNT = { name: 'tls-volume', mountPath: CERTS_MOUNT };

export function tlsVolume(db: string): Record<string, unknown> {
  const item = (key: string, path: string) => ({ key, path });
  return {
    name: 'tls-volume',
    projected: {
      sources: [
        {
          secret: {
            name: certSecretName(db, 'server'),
            items: [item('ca.crt', 'ca.crt'), item('tls.crt', 'server.crt'), item('tls.key', 'server.key')],
          },
        },
        {
          secret: {
            name: certSecretName(db, 'client'),
            items: [item('tls.crt', 'client.crt'), item('tls.key', 'client.key')],
          },
        },
      ],
    },
  };
}

/** The exec readiness probe KubeDB's pods carry, TLS and auth variants (the local kubelet runs its own equivalent). */
export function probeCommand(tls: boolean, auth: boolean): string {
  const tlsFlags = tls
    ? ` --tls --cert ${CERTS_MOUNT}/client.crt --key ${CERTS_MOUNT}/client.key --cacert ${CERTS_MOUNT}/ca.crt`
    : '';
  const authFlags = auth ? ' -a "$REDIS_PASSWORD" --no-auth-warning' : '';
  return `redis-cli${tlsFlags}${authFlags} ping | grep PONG`;
}
