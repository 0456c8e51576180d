/**
 * Cluster credentials as kubeconfig YAML in AWS Secrets Manager, one secret per cluster named `<prefix><clusterId>`
 * (a deployed resolver, docs/deploy.md §5, for clusters that are not EKS, or when a static ServiceAccount token
 * is preferred). Fetched with GetSecretValue and cached for a TTL so that rotation is picked up without a redeploy.
 *
 * No stale-on-error: once the TTL has passed, a failed fetch fails the call. ResourceNotFoundException means the
 * cluster was removed from this deployment → UnknownClusterError (poison: the message goes to the DLQ); anything
 * else (throttling, network, KMS, access denied while IAM propagates) → UnavailableError (retried, then DLQ).
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { KubeConfig } from '@kubernetes/client-node';
import { UnavailableError, UnknownClusterError } from '../../errors.ts';
import type { ClusterAccess } from './cluster-access.ts';
import { TtlCache } from './single-flight.ts';

const DEFAULT_SECRET_TTL_MS = 5 * 60_000;

/** The secret exists but is not a kubeconfig this process can use (a deployment mistake, not a transient fault). */
export class InvalidClusterCredentialsError extends Error {
  override name = 'InvalidClusterCredentialsError';
}

interface SecretsManagerAccessOptions {
  prefix: string;
  client?: SecretsManagerClient;
  ttlMs?: number;
  now?: () => number;
}

interface Entry {
  text: string;
  kc: KubeConfig;
}

export class SecretsManagerAccess implements ClusterAccess {
  readonly #prefix: string;
  /** Built at the first fetch: the SDK module is loaded only then (a cold start is not charged for it). */
  #client: SecretsManagerClient | undefined;
  readonly #configs: TtlCache<Entry>;

  constructor(opts: SecretsManagerAccessOptions) {
    this.#prefix = opts.prefix;
    this.#client = opts.client;
    this.#configs = new TtlCache({
      ttlMs: opts.ttlMs ?? DEFAULT_SECRET_TTL_MS,
      ...(opts.now ? { now: opts.now } : {}),
    });
  }

  secretIdFor(clusterId: string): string {
    return `${this.#prefix}${clusterId}`;
  }

  /**
   * The same KubeConfig instance is returned while the secret's content is unchanged, so callers may cache clients
   * per instance and rebuild them only after a rotation.
   */
  async kubeConfigFor(clusterId: string): Promise<KubeConfig> {
    const entry = await this.#configs.get(clusterId, (previous) => this.#refresh(clusterId, previous));
    return entry.kc;
  }

  async #refresh(clusterId: string, previous: Entry | undefined): Promise<Entry> {
    const secretId = this.secretIdFor(clusterId);
    const text = await this.#fetch(clusterId, secretId);
    if (previous !== undefined && previous.text === text) return previous;
    return { text, kc: kubeConfigFromSecret(text, secretId) };
  }

  async #fetch(clusterId: string, secretId: string): Promise<string> {
    const { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } =
      await import('@aws-sdk/client-secrets-manager');
    let out;
    try {
      this.#client ??= new SecretsManagerClient({});
      out = await this.#client.send(new GetSecretValueCommand({ SecretId: secretId }));
    } catch (err) {
      if (err instanceof ResourceNotFoundException) {
        throw new UnknownClusterError(`unknown cluster "${clusterId}": no secret ${secretId} in Secrets Manager`, {
          cause: err,
        });
      }
      throw new UnavailableError(
        `read kubeconfig of cluster "${clusterId}" from secret ${secretId}: ${(err as Error).name}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const text =
      out.SecretString ?? (out.SecretBinary === undefined ? undefined : Buffer.from(out.SecretBinary).toString('utf8'));
    if (text === undefined || text.trim() === '')
      throw new InvalidClusterCredentialsError(`secret ${secretId} is empty`);
    return text;
  }
}

/** Parse and check a kubeconfig that must work inside a function: no exec plugins or auth providers (no CLIs there). */
function kubeConfigFromSecret(text: string, where: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch (err) {
    throw new InvalidClusterCredentialsError(`secret ${where} is not a kubeconfig: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (cluster === null || user === null) {
    throw new InvalidClusterCredentialsError(
      `secret ${where}: kubeconfig has no usable current-context (cluster and user)`,
    );
  }
  if (user.exec !== undefined || user.authProvider !== undefined) {
    throw new InvalidClusterCredentialsError(
      `secret ${where}: user "${user.name}" uses an exec plugin or auth provider, which cannot run in a function; store a token or client certificate`,
    );
  }
  return kc;
}
