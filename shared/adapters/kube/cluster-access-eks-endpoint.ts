/**
 * Where an EKS cluster's API server is and which CA signs it, from `eks:DescribeCluster` (`cluster.endpoint`,
 * `cluster.certificateAuthority.data`), so that CLUSTERS_CONFIG needs only `{eksClusterName, region}` per cluster: the
 * Lambda environment is capped at 4 KB, and a CA alone is ~1.5 KB.
 *
 * Cached per cluster for the life of the execution environment, refreshed after a TTL like the Secrets Manager
 * resolver (a cluster re-created under the same name gets a new endpoint and CA). No stale-on-error: once the TTL has
 * passed, a failed call fails the step. ResourceNotFoundException means the EKS cluster does not exist (deleted, wrong
 * name or region) → UnknownClusterError (poison: the message goes to the DLQ); anything else (throttling, network,
 * access denied while IAM propagates, a cluster still CREATING) → UnavailableError (retried, then DLQ).
 */
import type { EKSClient } from '@aws-sdk/client-eks';
import * as z from 'zod';
import { UnavailableError, UnknownClusterError } from '../../errors.ts';
import { describeIssues } from '../../messages/parse.ts';
import { TtlCache } from './single-flight.ts';

const DEFAULT_ENDPOINT_TTL_MS = 5 * 60_000;

export const httpsEndpoint = z.url({
  protocol: /^https$/,
  error: 'must be an https:// URL (the EKS API server endpoint)',
});
export const base64Pem = z
  .string()
  .min(1)
  .refine((s) => Buffer.from(s, 'base64').toString('utf8').includes('-----BEGIN CERTIFICATE-----'), {
    message: 'must be the base64 of a PEM certificate (EKS certificateAuthority.data)',
  });
const endpointSchema = z.object({ endpoint: httpsEndpoint, caData: base64Pem });

export type EksEndpoint = z.infer<typeof endpointSchema>;

interface EksClusterRef {
  eksClusterName: string;
  region: string;
}

interface EksEndpointsOptions {
  /** The EKS client for a region (built once per region by the caller). */
  clientFor: (region: string) => EKSClient | Promise<EKSClient>;
  ttlMs?: number;
  now?: () => number;
}

export class EksEndpoints {
  readonly #clientFor: (region: string) => EKSClient | Promise<EKSClient>;
  readonly #endpoints: TtlCache<EksEndpoint>;

  constructor(opts: EksEndpointsOptions) {
    this.#clientFor = opts.clientFor;
    this.#endpoints = new TtlCache({
      ttlMs: opts.ttlMs ?? DEFAULT_ENDPOINT_TTL_MS,
      ...(opts.now ? { now: opts.now } : {}),
    });
  }

  /** The endpoint and CA of a configured cluster (cached for the TTL, one DescribeCluster in flight per cluster). */
  endpointOf(clusterId: string, cluster: EksClusterRef): Promise<EksEndpoint> {
    return this.#endpoints.get(clusterId, () => this.#describe(clusterId, cluster));
  }

  async #describe(clusterId: string, cluster: EksClusterRef): Promise<EksEndpoint> {
    const what = `EKS cluster "${cluster.eksClusterName}" in ${cluster.region} (cluster id "${clusterId}")`;
    // Loaded here, not at import: a cold start pays for the SDK module only when it calls EKS.
    const { DescribeClusterCommand, ResourceNotFoundException } = await import('@aws-sdk/client-eks');
    let out;
    try {
      const client = await this.#clientFor(cluster.region);
      out = await client.send(new DescribeClusterCommand({ name: cluster.eksClusterName }));
    } catch (err) {
      if (err instanceof ResourceNotFoundException)
        throw new UnknownClusterError(`unknown cluster "${clusterId}": eks:DescribeCluster found no ${what}`, {
          cause: err,
        });
      throw new UnavailableError(`eks:DescribeCluster of ${what}: ${(err as Error).name}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const found = out.cluster;
    if (found?.endpoint === undefined || found.certificateAuthority?.data === undefined) {
      // CREATING clusters have neither yet; the message is retried until the cluster is ACTIVE (or reaches the DLQ).
      throw new UnavailableError(`${what} has no API endpoint or CA yet (status ${found?.status ?? 'unknown'})`);
    }
    const parsed = endpointSchema.safeParse({ endpoint: found.endpoint, caData: found.certificateAuthority.data });
    if (!parsed.success) throw new UnavailableError(`eks:DescribeCluster of ${what}: ${describeIssues(parsed.error)}`);
    return parsed.data;
  }
}
