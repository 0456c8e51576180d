/**
 * The TLS half of how the functions reach a database's servers. A Redis (or RedisSentinel) with `spec.tls` runs
 * TLS-only (`port 0`, `tls-port 6379`; KubeDB's Redis TLS guide: a plain `redis-cli` gets "Connection reset by
 * peer") and asks every client for a certificate (`tls-auth-clients` defaults to yes). KubeDB issues the client
 * certificate into the secret `<db>-client-cert` (cert-manager's kubernetes.io/tls layout: `ca.crt`, `tls.crt`,
 * `tls.key`); the functions connect with it, verifying the server certificate against `ca.crt` and the name
 * `<db>.<namespace>.svc`, which KubeDB's server certificate carries for every pod (pods are reached by IP, which
 * is in no certificate). The key material stays in the RedisTarget: never logged, never put in a message.
 */
import { OpsRequestFailedError } from '../../errors.ts';
import type { RedisTls, StepDeps } from '../ports.ts';

interface TlsDatabase {
  kind?: string;
  metadata: { name: string; namespace?: string };
  spec: Record<string, unknown>;
}

const clientCertSecretName = (db: string): string => `${db}-client-cert`;

const tlsEnabled = (db: TlsDatabase): boolean => typeof db.spec['tls'] === 'object' && db.spec['tls'] !== null;

export async function clientTls(db: TlsDatabase, deps: Pick<StepDeps, 'kube'>): Promise<{ tls?: RedisTls }> {
  if (!tlsEnabled(db)) return {};
  const ns = db.metadata.namespace ?? '';
  const name = clientCertSecretName(db.metadata.name);
  const secret = await deps.kube.getSecret(ns, name);
  const ca = secret?.data['ca.crt'];
  const cert = secret?.data['tls.crt'];
  const key = secret?.data['tls.key'];
  if (ca === undefined || cert === undefined || key === undefined)
    throw new OpsRequestFailedError(
      'TLSSecretNotFound',
      `client certificate secret ${ns}/${name} of ${db.kind ?? 'Redis'} ${db.metadata.name} not found or incomplete`,
    );
  return { tls: { ca, cert, key, servername: `${db.metadata.name}.${ns}.svc` } };
}
