/**
 * What apply-config plans from, read from the cluster and nothing written: the database, the engine line that judges
 * it (its RedisVersion), the configuration as it is (or as this ops request's snapshot saved it), the request with
 * its configSecret's text, and the pure plan (shared/config/plan-reconfigure.ts) — every validation an ops request
 * gets. One home for the step and for `redis-reconfigure plan` (cli/commands/plan-run.ts), so the CLI's verdict is
 * the step's.
 */
import { OpsRequestFailedError } from '../../errors.ts';
import { ConfigKey, managedConfigSecretName } from '../../kubedb/constants.ts';
import type { Redis } from '../../kubedb/types.ts';
import type { Distribution, Mode } from '../../config/flags.ts';
import { planReconfigure, type ReconfigurePlan, type ReconfigureRequest } from '../../config/plan-reconfigure.ts';
import type { EngineVersion } from '../../config/versions.ts';
import type { StepContext } from '../context.ts';
import { loadSnapshot, type LoadedSnapshot } from '../rollback-snapshot.ts';

/** The parts of a step context a read-only plan needs (the CLI has no message). */
export type PlanReadContext = Pick<StepContext, 'ops' | 'namespace' | 'deps'>;

export interface PlannedRequest {
  redis: Redis;
  distribution: Distribution;
  /** The catalog's engine version; undefined when the RedisVersion names none (the distribution's line judges). */
  version: EngineVersion | undefined;
  engine: { distribution: Distribution; version?: EngineVersion };
  configKey: 'redis.conf' | 'valkey.conf';
  mode: Mode;
  managedName: string;
  /** The configuration before this ops request (saved by apply-config before its first write). */
  previous: LoadedSnapshot;
  request: ReconfigureRequest;
  plan: ReconfigurePlan;
}

/** Reads and plans; throws the OpsRequestFailedError (InvalidConfigError, …) the ops request would end Failed with. */
export async function planRequest(ctx: PlanReadContext): Promise<PlannedRequest> {
  const { redis, distribution, version } = await loadDatabase(ctx);
  const configKey = distribution === 'Valkey' ? ConfigKey.Valkey : ConfigKey.Redis;
  const mode = redis.spec.mode ?? 'Standalone';
  const managedName = managedConfigSecretName(redis.metadata.name, redis.metadata.uid ?? '');
  // Validation (readRequest, planReconfigure) comes before the first write, the rollback snapshot included.
  const previous = await loadSnapshot(ctx, redis, configKey, managedName);
  const request = await readRequest(ctx, configKey);
  const engine = { distribution, ...(version !== undefined ? { version } : {}) };
  const plan = planReconfigure({ current: previous.snapshot.current, request, configKey, mode, ...engine });
  return { redis, distribution, version, engine, configKey, mode, managedName, previous, request, plan };
}

/** The database and the engine line that judges it: the catalog's engine version picks the directive table. */
export async function loadDatabase(ctx: PlanReadContext) {
  const { ops, namespace: ns, deps } = ctx;
  const redis = await deps.kube.getRedis(ns, ops.spec.databaseRef.name);
  if (redis === undefined) {
    throw new OpsRequestFailedError(
      'DatabaseNotFound',
      `spec.databaseRef ${ns}/${ops.spec.databaseRef.name}, is invalid or not found`,
    );
  }
  const catalog = await deps.kube.getRedisVersion(redis.spec.version);
  const distribution = catalog?.distribution ?? 'Official';
  // Without a catalog version, the distribution's default line judges (shared/config/versions.ts).
  const version = catalog?.version !== undefined ? { version: catalog.version, distribution } : undefined;
  return { redis, distribution, version };
}

async function readRequest(ctx: PlanReadContext, configKey: string): Promise<ReconfigureRequest> {
  const cfg = ctx.ops.spec.configuration ?? {};
  const request: ReconfigureRequest = {
    ...(cfg.applyConfig !== undefined ? { applyConfig: cfg.applyConfig } : {}),
    ...(cfg.removeCustomConfig !== undefined ? { removeCustomConfig: cfg.removeCustomConfig } : {}),
    ...(cfg.restart !== undefined ? { restart: cfg.restart } : {}),
  };
  if (cfg.configSecret === undefined) return request;
  const ns = ctx.namespace;
  const secret = await ctx.deps.kube.getSecret(ns, cfg.configSecret.name);
  if (secret === undefined) {
    throw new OpsRequestFailedError(
      'ConfigSecretNotFound',
      `spec.configuration.configSecret: secret ${ns}/${cfg.configSecret.name} not found`,
    );
  }
  return { ...request, configSecret: { name: cfg.configSecret.name, conf: secret.data[configKey] } };
}
