/**
 * EKS clusters reached with the function's own IAM role (a deployed resolver, docs/deploy.md §5): the bearer
 * token is what `aws eks get-token` / aws-iam-authenticator produce — `k8s-aws-v1.` + base64url (no padding) of a
 * SigV4 query-presigned STS `GetCallerIdentity` GET URL whose signed headers include `x-k8s-aws-id: <cluster name>`.
 * The API server's authenticator replays that URL against STS to learn the caller's role, then maps it to Kubernetes
 * users/groups through EKS access entries (or aws-auth). Presigning is local: no network call, only credentials.
 *
 * STS accepts a presigned GetCallerIdentity for 15 minutes after X-Amz-Date whatever X-Amz-Expires says (the 60 is
 * legacy: old authenticators reject values above 60). Tokens are reused for 10 minutes so that a request in flight
 * never carries one about to expire, with room for clock skew.
 *
 * The API server's endpoint and CA come from CLUSTERS_CONFIG when given there, else from `eks:DescribeCluster`
 * (cluster-access-eks-endpoint.ts): a cluster then needs only `{eksClusterName, region}` in the 4 KB Lambda
 * environment.
 */
import { createHash, createHmac, type BinaryLike } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import type { EKSClient } from '@aws-sdk/client-eks';
import { KubeConfig, type User } from '@kubernetes/client-node';
import { SignatureV4 } from '@smithy/signature-v4';
import * as z from 'zod';
import { UnavailableError, UnknownClusterError } from '../../errors.ts';
import { stepDataSchema } from '../../messages/step-message.ts';
import type { ClusterAccess } from './cluster-access.ts';
import { SingleFlight } from './single-flight.ts';
import { base64Pem, EksEndpoints, httpsEndpoint, type EksEndpoint } from './cluster-access-eks-endpoint.ts';

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** Header that binds the token to one cluster (aws-iam-authenticator `clusterIDHeader`). */
const EKS_CLUSTER_ID_HEADER = 'x-k8s-aws-id';
const EKS_PRESIGN_EXPIRES_SECONDS = 60;
/** Reuse a token this long; STS honours it for 15 minutes. */
const EKS_TOKEN_REUSE_MS = 10 * 60_000;
/** The kubeconfig user's auth-provider name; only our authenticator answers to it. */
const AUTH_PROVIDER = 'redis-reconfigure-eks-token';

/** `endpoint` + `caData` (both, or neither: then eks:DescribeCluster supplies them), `eksClusterName`, `region`. */
const eksClusterSchema = z
  .object({
    endpoint: httpsEndpoint.optional(),
    caData: base64Pem.optional(),
    eksClusterName: z.string().min(1).max(100),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as eu-west-1'),
  })
  .strict()
  .refine((c) => (c.endpoint === undefined) === (c.caData === undefined), {
    message: 'give both endpoint and caData, or neither (eks:DescribeCluster then supplies them)',
  });
export type EksClusterConfig = z.infer<typeof eksClusterSchema>;

/** Keys are cluster ids as step messages carry them. */
export const clustersConfigSchema = z.record(stepDataSchema.shape.clusterId, eksClusterSchema);

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}
export type CredentialsProvider = () => Promise<AwsCredentials>;

/** SHA-256 / HMAC-SHA-256 in the shape the Smithy signer expects, over node:crypto. */
class NodeSha256 {
  readonly #hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBinary(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(toBinary(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
}

function toBinary(data: string | ArrayBuffer | ArrayBufferView): BinaryLike {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** RFC 3986 escaping, as SigV4 canonicalises query values (encodeURIComponent leaves !'()* alone). */
const rfc3986 = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const stsHostname = (region: string): string => `sts.${region}.amazonaws.com`;

/** The presigned STS URL (exported for tests and diagnostics). */
async function presignedGetCallerIdentityUrl(
  cluster: Pick<EksClusterConfig, 'eksClusterName' | 'region'>,
  credentials: AwsCredentials,
  signingDate: Date,
): Promise<string> {
  const hostname = stsHostname(cluster.region);
  const signer = new SignatureV4({ service: 'sts', region: cluster.region, credentials, sha256: NodeSha256 });
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      // The signer signs every header it is given: host (required by SigV4) and the cluster binding.
      headers: { host: hostname, [EKS_CLUSTER_ID_HEADER]: cluster.eksClusterName },
    },
    { expiresIn: EKS_PRESIGN_EXPIRES_SECONDS, signingDate },
  );
  const query = Object.entries(presigned.query ?? {})
    .flatMap(([k, v]) =>
      v === null || v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((one) => `${rfc3986(k)}=${rfc3986(one)}`),
    )
    .sort()
    .join('&');
  return `https://${hostname}/?${query}`;
}

export async function eksToken(
  cluster: Pick<EksClusterConfig, 'eksClusterName' | 'region'>,
  credentials: AwsCredentials,
  signingDate: Date,
): Promise<string> {
  const url = await presignedGetCallerIdentityUrl(cluster, credentials, signingDate);
  return EKS_TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url');
}

/**
 * The SDK's default credential chain, its module loaded at the first token (the AWS SDK modules cost tens of ms to
 * load; a cold start in another cluster-access mode never needs them).
 */
function lazyDefaultCredentials(): CredentialsProvider {
  let provider: Promise<CredentialsProvider> | undefined;
  return async () => {
    provider ??= import('@aws-sdk/credential-provider-node').then((m) => m.defaultProvider());
    return (await provider)();
  };
}

interface EksTokenAccessOptions {
  /** Default: the AWS SDK's default chain (Lambda: the function's role from the environment). */
  credentials?: CredentialsProvider;
  now?: () => Date;
  tokenReuseMs?: number;
  /** The EKS client for a region. Default: one `EKSClient` per region, with `credentials`. */
  eksClient?: (region: string) => EKSClient | Promise<EKSClient>;
  /** How long a DescribeCluster answer is reused. Default 5 minutes. */
  endpointTtlMs?: number;
}

interface CachedToken {
  token: string;
  refreshAt: number;
}

interface BuiltConfig extends EksEndpoint {
  kc: KubeConfig;
}

export class EksTokenAccess implements ClusterAccess {
  readonly #clusters: ReadonlyMap<string, EksClusterConfig>;
  readonly #credentials: CredentialsProvider;
  readonly #now: () => Date;
  readonly #reuseMs: number;
  readonly #endpoints: EksEndpoints;
  readonly #configs = new Map<string, BuiltConfig>();
  readonly #tokens = new Map<string, CachedToken>();
  readonly #minting = new SingleFlight<string>();

  constructor(clusters: Record<string, EksClusterConfig>, opts: EksTokenAccessOptions = {}) {
    this.#clusters = new Map(Object.entries(clusters));
    this.#credentials = opts.credentials ?? lazyDefaultCredentials();
    this.#now = opts.now ?? (() => new Date());
    this.#reuseMs = opts.tokenReuseMs ?? EKS_TOKEN_REUSE_MS;
    const clients = new Map<string, Promise<EKSClient>>();
    const clientFor = (region: string): Promise<EKSClient> => {
      let client = clients.get(region);
      if (client === undefined) {
        client = import('@aws-sdk/client-eks').then((m) => new m.EKSClient({ region, credentials: this.#credentials }));
        clients.set(region, client);
      }
      return client;
    };
    this.#endpoints = new EksEndpoints({
      clientFor: opts.eksClient ?? clientFor,
      ttlMs: opts.endpointTtlMs,
      now: () => this.#now().getTime(),
    });
  }

  /**
   * One KubeConfig per cluster while its endpoint and CA stay the same: its user carries no static token; an
   * authenticator adds a current one to every request, so a long-lived client (warm Lambda) never sends an expired
   * token. Callers may cache clients per instance: a new instance means the cluster moved.
   */
  async kubeConfigFor(clusterId: string): Promise<KubeConfig> {
    const cluster = this.#clusters.get(clusterId);
    if (cluster === undefined) {
      throw new UnknownClusterError(
        `unknown cluster "${clusterId}": not in CLUSTERS_CONFIG (known: ${[...this.#clusters.keys()].join(', ') || 'none'})`,
      );
    }
    // Mint once up front so that missing credentials fail here, with a clear message, not inside a request.
    await this.tokenFor(clusterId);
    const target =
      cluster.endpoint !== undefined && cluster.caData !== undefined
        ? { endpoint: cluster.endpoint, caData: cluster.caData }
        : await this.#endpoints.endpointOf(clusterId, cluster);
    const built = this.#configs.get(clusterId);
    if (built !== undefined && built.endpoint === target.endpoint && built.caData === target.caData) return built.kc;
    const kc = this.#build(clusterId, target);
    this.#configs.set(clusterId, { ...target, kc });
    return kc;
  }

  /** The current bearer token for a configured cluster (cached, single-flight). */
  tokenFor(clusterId: string): Promise<string> {
    const cluster = this.#clusters.get(clusterId);
    if (cluster === undefined)
      return Promise.reject(new UnknownClusterError(`unknown cluster "${clusterId}": not in CLUSTERS_CONFIG`));
    const cached = this.#tokens.get(clusterId);
    if (cached !== undefined && this.#now().getTime() < cached.refreshAt) return Promise.resolve(cached.token);
    return this.#minting.run(clusterId, () => this.#mint(clusterId, cluster));
  }

  async #mint(clusterId: string, cluster: EksClusterConfig): Promise<string> {
    let credentials: AwsCredentials;
    try {
      credentials = await this.#credentials();
    } catch (err) {
      throw new UnavailableError(
        `EKS token for cluster "${clusterId}": no AWS credentials: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const signingDate = this.#now();
    const token = await eksToken(cluster, credentials, signingDate);
    this.#tokens.set(clusterId, { token, refreshAt: signingDate.getTime() + this.#reuseMs });
    return token;
  }

  #build(clusterId: string, cluster: EksEndpoint): KubeConfig {
    const user: User = { name: `eks:${clusterId}`, authProvider: { name: AUTH_PROVIDER, config: { clusterId } } };
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: clusterId, server: cluster.endpoint, caData: cluster.caData, skipTLSVerify: false }],
      users: [user],
      contexts: [{ name: clusterId, cluster: clusterId, user: user.name }],
      currentContext: clusterId,
    });
    kc.addAuthenticator({
      isAuthProvider: (u: User) => (u.authProvider as { name?: string } | undefined)?.name === AUTH_PROVIDER,
      applyAuthentication: async (_u, opts) => {
        const token = await this.tokenFor(clusterId);
        // The parameter is https.RequestOptions | ws.ClientOptions; both carry `headers`.
        const target = opts as { headers?: OutgoingHttpHeaders };
        target.headers = { ...target.headers, Authorization: `Bearer ${token}` };
      },
    });
    return kc;
  }
}
