/** The forwarder's configuration, parsed once from the environment at the edge (style.md §3). */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as z from 'zod';
import { MisconfigurationError } from '../../shared/errors.ts';
import { describeIssues } from '../../shared/messages/parse.ts';
import { stepDataSchema } from '../../shared/messages/step-message.ts';

export interface ForwarderConfig {
  clusterId: string;
  haltQueueUrl: string;
  /** Where a run past halt is announced: the recover step checks it for a stalled step. */
  recoverQueueUrl: string;
  /** Where restart-pod wake-ups go; undefined: only halt is woken (docs/adr/0013-wake-ups.md). */
  restartPodQueueUrl?: string | undefined;
  /** Watch pods and Redis objects and wake waiting steps when they change. */
  wakeUps: boolean;
  /** undefined → in-cluster service account (`loadFromCluster`). */
  kubeconfigPath?: string;
  /** [] = all namespaces. */
  watchNamespaces: string[];
  resyncSeconds: number;
  healthHost: string;
  /** 0 = ephemeral. */
  healthPort: number;
  leaderElection: boolean;
  leaseNamespace: string;
  leaseName: string;
  identity: string;
  leaseDurationSeconds: number;
  leaseRenewSeconds: number;
  /** A watch stream silent this long is dead: ≈ 2 × the API server's bookmark interval. */
  watchSilenceSeconds: number;
  /** Bound on flushing pending sends at shutdown. */
  drainTimeoutSeconds: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const seconds = (fallback: number, min: number) => z.coerce.number().min(min).max(86_400).default(fallback);
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true');

const envSchema = z.object({
  CLUSTER_ID: stepDataSchema.shape.clusterId,
  HALT_QUEUE_URL: z.url(),
  RECOVER_QUEUE_URL: z.url(),
  RESTART_POD_QUEUE_URL: z.url().optional(),
  WAKE_UPS: bool(true),
  KUBECONFIG: optionalString,
  WATCH_NAMESPACES: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((ns) => ns.trim())
        .filter((ns) => ns !== ''),
    )
    .pipe(z.array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'each must be a namespace name'))),
  RESYNC_SECONDS: seconds(60, 1),
  HEALTH_HOST: z.string().min(1).default('127.0.0.1'),
  HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  LEADER_ELECTION: bool(true),
  LEASE_NAMESPACE: optionalString,
  LEASE_NAME: z.string().min(1).default('redis-reconfigure-forwarder'),
  POD_NAME: optionalString,
  POD_NAMESPACE: optionalString,
  LEASE_DURATION_SECONDS: seconds(15, 1),
  LEASE_RENEW_SECONDS: seconds(5, 0.05),
  WATCH_SILENCE_SECONDS: seconds(60, 1),
  DRAIN_TIMEOUT_SECONDS: seconds(10, 0),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export interface ConfigSources {
  /** Reads the service account's namespace file; undefined when not running in a Pod. */
  podNamespace?: () => string | undefined;
  defaultIdentity?: () => string;
}

function readServiceAccountNamespace(): string | undefined {
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim() || undefined;
  } catch {
    // Not in a Pod (no service account mounted): fall back to "default", which a local run uses.
    return undefined;
  }
}

/** Throws MisconfigurationError naming every bad variable. */
export function configFromEnv(env: NodeJS.ProcessEnv, sources: ConfigSources = {}): ForwarderConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success)
    throw new MisconfigurationError(`invalid forwarder environment: ${describeIssues(parsed.error)}`);
  const e = parsed.data;
  if (e.LEASE_RENEW_SECONDS >= e.LEASE_DURATION_SECONDS / 1.5) {
    throw new MisconfigurationError(
      'LEASE_RENEW_SECONDS: must be below two thirds of LEASE_DURATION_SECONDS (the renew deadline)',
    );
  }
  return {
    clusterId: e.CLUSTER_ID,
    haltQueueUrl: e.HALT_QUEUE_URL,
    recoverQueueUrl: e.RECOVER_QUEUE_URL,
    restartPodQueueUrl: e.RESTART_POD_QUEUE_URL,
    wakeUps: e.WAKE_UPS,
    kubeconfigPath: e.KUBECONFIG,
    watchNamespaces: e.WATCH_NAMESPACES,
    resyncSeconds: e.RESYNC_SECONDS,
    healthHost: e.HEALTH_HOST,
    healthPort: e.HEALTH_PORT,
    leaderElection: e.LEADER_ELECTION,
    leaseNamespace:
      e.LEASE_NAMESPACE ?? e.POD_NAMESPACE ?? (sources.podNamespace ?? readServiceAccountNamespace)() ?? 'default',
    leaseName: e.LEASE_NAME,
    identity: e.POD_NAME ?? (sources.defaultIdentity ?? (() => `${hostname()}-${process.pid}`))(),
    leaseDurationSeconds: e.LEASE_DURATION_SECONDS,
    leaseRenewSeconds: e.LEASE_RENEW_SECONDS,
    watchSilenceSeconds: e.WATCH_SILENCE_SECONDS,
    drainTimeoutSeconds: e.DRAIN_TIMEOUT_SECONDS,
    logLevel: e.LOG_LEVEL,
  };
}
