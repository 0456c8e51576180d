/**
 * cert-manager's part for a Redis (or RedisSentinel) with `spec.tls.issuerRef`, done by the local provisioner itself
 * (there is no cert-manager locally): KubeDB asks cert-manager for one Certificate per alias — `server`, `client`,
 * `metrics-exporter` — whose secrets are `<db>-<alias>-cert` (KubeDB's RedisCertificateAlias and CertificateName:
 * the database name with the suffix `-<alias>-cert`), of type kubernetes.io/tls with keys `ca.crt`, `tls.crt`,
 * `tls.key` (cert-manager's secret layout; KubeDB's Redis TLS guide shows `kubectl describe secret rd-tls-client-cert`
 * with exactly these keys and common name `default`). KubeDB waits for all three secrets before it creates the
 * workload, and so does reconcile.ts.
 *
 * The issuer is emulated by one local CA per issuerRef (an Issuer is namespaced, a ClusterIssuer is not; both are
 * stored as a Secret `local-<kind>-<name>-ca` in the database's namespace, so a Redis and its RedisSentinel that
 * name the same issuer — KubeDB's Sentinel TLS guide requires that — share the CA). Certificates are issued once
 * and never rotated (no renewal locally).
 */
import selfsigned from 'selfsigned';
import type { V1Secret } from '@kubernetes/client-node';
import { createIfAbsent, getOrUndefined, type KubeApis } from '../runtime/kube.ts';

const CERT_ALIASES = ['server', 'client', 'metrics-exporter'] as const;
type CertAlias = (typeof CERT_ALIASES)[number];

export const certSecretName = (db: string, alias: CertAlias): string => `${db}-${alias}-cert`;

interface IssuerRef {
  apiGroup?: string;
  kind?: string;
  name: string;
}

/** `spec.tls.issuerRef` of a Redis or RedisSentinel, if TLS is asked for. */
export function issuerRefOf(spec: Record<string, unknown>): IssuerRef | undefined {
  const tls = spec['tls'] as { issuerRef?: IssuerRef } | undefined;
  return tls?.issuerRef?.name ? tls.issuerRef : undefined;
}

export interface CertOwner {
  apiVersion: string;
  kind: 'Redis' | 'RedisSentinel';
  name: string;
  namespace: string;
  uid: string;
  /** The database's governing (headless) service: pods are `<pod>.<governing>.<ns>.svc`. */
  governingService: string;
  labels: Record<string, string>;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString('utf8');
const years = (n: number): Date => new Date(Date.now() + n * 365 * 24 * 3600 * 1000);

export const caSecretName = (ref: IssuerRef): string => `local-${(ref.kind ?? 'Issuer').toLowerCase()}-${ref.name}-ca`;

/**
 * The DNS names KubeDB puts on a database's server certificate: the primary service and every pod of the governing
 * service, short and fully qualified, plus localhost/127.0.0.1 for clients inside the pod (the exec probe).
 * Pod IPs are not in it (they change on every restart in a real cluster): a client verifies the chain against
 * ca.crt and the identity against `<db>.<ns>.svc` (serverIdentity below), never an IP.
 */
function serverAltNames(o: CertOwner): { dns: string[]; ips: string[] } {
  const svc = (name: string): string[] => [
    name,
    `${name}.${o.namespace}`,
    `${name}.${o.namespace}.svc`,
    `${name}.${o.namespace}.svc.cluster.local`,
  ];
  return {
    dns: [...svc(o.name), ...svc(o.governingService).map((n) => `*.${n}`), ...svc(o.governingService), 'localhost'],
    ips: ['127.0.0.1'],
  };
}

/** The name a client checks the server certificate against: the database's service, in every pod's certificate. */
export const serverIdentity = (db: string, namespace: string): string => `${db}.${namespace}.svc`;

async function generateCa(ref: IssuerRef): Promise<{ cert: string; key: string }> {
  const ca = await selfsigned.generate(
    [
      { name: 'commonName', value: `local-${ref.name}-ca` },
      { name: 'organizationName', value: 'kubedb' },
    ],
    {
      keyType: 'ec',
      algorithm: 'sha256',
      notAfterDate: years(10),
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    },
  );
  return { cert: ca.cert, key: ca.private };
}

async function issue(
  ca: { cert: string; key: string },
  o: CertOwner,
  alias: CertAlias,
): Promise<{ cert: string; key: string }> {
  const alt = alias === 'server' ? serverAltNames(o) : { dns: [], ips: [] };
  const altNames = [
    ...alt.dns.map((value) => ({ type: 2 as const, value })),
    ...alt.ips.map((ip) => ({ type: 7 as const, ip })),
  ];
  // The server certificate is also the client certificate of replication and of the cluster bus
  // (`tls-replication yes` / `tls-cluster yes` make redis-server present tls-cert-file when it connects), and the
  // peer checks it as a client certificate (`tls-auth-clients yes` is the default): it needs clientAuth as well.
  const extKeyUsage = alias === 'server' ? { serverAuth: true, clientAuth: true } : { clientAuth: true };
  const leaf = await selfsigned.generate(
    [
      { name: 'commonName', value: alias === 'server' ? o.name : 'default' },
      { name: 'organizationName', value: 'kubedb' },
    ],
    {
      keyType: 'ec',
      algorithm: 'sha256',
      notAfterDate: years(1),
      ca,
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', ...extKeyUsage },
        ...(altNames.length ? [{ name: 'subjectAltName' as const, altNames }] : []),
      ],
    },
  );
  return { cert: leaf.cert, key: leaf.private };
}

type SecretLookup = (namespace: string, name: string) => V1Secret | undefined;

/** The issuer's CA: from its secret, else generated and stored (a concurrent creator wins; its CA is re-read). */
async function issuerCa(apis: KubeApis, o: CertOwner, ref: IssuerRef, cached: SecretLookup) {
  const name = caSecretName(ref);
  const read = (s: V1Secret | undefined) =>
    s?.data?.['tls.crt'] ? { cert: unb64(s.data['tls.crt']), key: unb64(s.data['tls.key']) } : undefined;
  const known = read(cached(o.namespace, name));
  if (known) return known;
  const ca = await generateCa(ref);
  const body = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: o.namespace, labels: { 'app.kubernetes.io/managed-by': 'local-cert-issuer' } },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(ca.cert), 'tls.key': b64(ca.key) },
  };
  if ((await createIfAbsent(() => apis.core.createNamespacedSecret({ namespace: o.namespace, body }))) === 'created')
    return ca;
  const stored = read(await getOrUndefined(() => apis.core.readNamespacedSecret({ name, namespace: o.namespace })));
  if (!stored) throw new Error(`CA secret ${o.namespace}/${name} exists but has no tls.crt`);
  return stored;
}

/** Creates whichever of the owner's three certificate secrets is missing (the cache may lag: 409 = exists). */
export async function ensureCertificates(
  apis: KubeApis,
  o: CertOwner,
  ref: IssuerRef,
  cached: SecretLookup,
): Promise<void> {
  const missing = CERT_ALIASES.filter((a) => !cached(o.namespace, certSecretName(o.name, a)));
  if (missing.length === 0) return;
  const ca = await issuerCa(apis, o, ref, cached);
  for (const alias of missing) {
    const leaf = await issue(ca, o, alias);
    const name = certSecretName(o.name, alias);
    const body = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name,
        namespace: o.namespace,
        labels: o.labels,
        // What cert-manager records on the secrets it writes (the guide's `kubectl describe secret` shows them).
        annotations: {
          'cert-manager.io/certificate-name': name,
          'cert-manager.io/common-name': alias === 'server' ? o.name : 'default',
          'cert-manager.io/issuer-group': ref.apiGroup ?? 'cert-manager.io',
          'cert-manager.io/issuer-kind': ref.kind ?? 'Issuer',
          'cert-manager.io/issuer-name': ref.name,
        },
        ownerReferences: [
          {
            apiVersion: o.apiVersion,
            kind: o.kind,
            name: o.name,
            uid: o.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      type: 'kubernetes.io/tls',
      data: { 'ca.crt': b64(ca.cert), 'tls.crt': b64(leaf.cert), 'tls.key': b64(leaf.key) },
    };
    await createIfAbsent(() => apis.core.createNamespacedSecret({ namespace: o.namespace, body }));
  }
}
