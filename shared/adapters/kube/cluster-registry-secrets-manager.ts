/**
 * The cluster registry on AWS: every Secrets Manager secret under the kubeconfig prefix is a cluster (the same
 * secrets SecretsManagerAccess reads, `<prefix><clusterId>`), its labels are the secret's tags (tags under `aws:`
 * are AWS's own and skipped). ListSecrets, paginated; a failure is UnavailableError (the record is retried).
 * ListSecrets cannot be limited to a prefix by IAM (no resource-level permissions), so the name filter is here.
 */
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { UnavailableError } from '../../errors.ts';
import type { ClusterRegistry, RegisteredCluster } from './cluster-registry.ts';

interface SecretsManagerRegistryOptions {
  prefix: string;
  client?: SecretsManagerClient;
}

export class SecretsManagerRegistry implements ClusterRegistry {
  readonly #prefix: string;
  readonly #client: SecretsManagerClient;

  constructor(opts: SecretsManagerRegistryOptions) {
    this.#prefix = opts.prefix;
    this.#client = opts.client ?? new SecretsManagerClient({});
  }

  async list(): Promise<RegisteredCluster[]> {
    const out: RegisteredCluster[] = [];
    let nextToken: string | undefined;
    do {
      let page;
      try {
        page = await this.#client.send(
          new ListSecretsCommand({
            Filters: [{ Key: 'name', Values: [this.#prefix] }],
            ...(nextToken !== undefined ? { NextToken: nextToken } : {}),
          }),
        );
      } catch (err) {
        throw new UnavailableError(
          `list clusters under ${this.#prefix} in Secrets Manager: ${(err as Error).name}: ${(err as Error).message}`,
          { cause: err },
        );
      }
      for (const s of page.SecretList ?? []) {
        // The name filter matches a prefix of any word of the name: keep exact prefixes only.
        if (s.Name === undefined || !s.Name.startsWith(this.#prefix) || s.Name.length === this.#prefix.length) continue;
        const labels: Record<string, string> = {};
        for (const t of s.Tags ?? []) {
          if (t.Key !== undefined && !t.Key.startsWith('aws:')) labels[t.Key] = t.Value ?? '';
        }
        out.push({ id: s.Name.slice(this.#prefix.length), labels });
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }
}
