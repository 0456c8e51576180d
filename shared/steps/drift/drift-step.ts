/**
 * The drift check of one namespace (or one Redis in it), through the ports: the scheduled drift function and the
 * `redis-reconfigure drift` command run this. For each Redis not under reconfiguration: its declared config (the
 * managed secret's default.conf) and each Ready pod's `CONFIG GET`, compared by decide-drift.ts; the result goes to
 * the Redis's ConfigDrift condition and, when it changes, an Event on the Redis. Nothing is changed on the pods.
 */
import { TransientError } from '../../errors.ts';
import type { EngineTable } from '../../config/flags.ts';
import { planTable } from '../../config/plan-reconfigure.ts';
import { ConfigKey, DbCondition, managedConfigSecretName, OpsPhase } from '../../kubedb/constants.ts';
import { findCondition, setCondition } from '../../kubedb/conditions.ts';
import type { Redis } from '../../kubedb/types.ts';
import { errorFields } from '../../logging.ts';
import { newDriftEvent } from '../../messages/drift-event.ts';
import type { StepDeps } from '../ports.ts';
import { redisTarget } from '../restart-pod/redis-target.ts';
import {
  declaredExpectations,
  describeDrift,
  driftCondition,
  driftConditionChanged,
  findDrift,
  type DriftResult,
  type PodReading,
} from './decide-drift.ts';

export type DriftReport =
  | { namespace: string; redis: string; skipped: string }
  | { namespace: string; redis: string; result: DriftResult; changed: boolean };

const DRIFT_EVENT_REASON = 'ConfigDrift';
const DRIFT_RESOLVED_EVENT_REASON = 'ConfigDriftResolved';

/** `clusterId` names the cluster in the published CloudEvent (the functions' id; the CLI's kubeconfig context). */
interface DriftScopeOf {
  clusterId: string;
  namespace: string;
  redis?: string;
}

export async function checkDrift(deps: StepDeps, scope: DriftScopeOf): Promise<DriftReport[]> {
  const redises = (await deps.kube.listRedises(scope.namespace)).filter(
    (r) => scope.redis === undefined || r.metadata.name === scope.redis,
  );
  const ops = await deps.kube.listOpsRequests(scope.namespace);
  const reports: DriftReport[] = [];
  for (const redis of redises) {
    const name = redis.metadata.name;
    const busy = ops.find((o) => o.spec.databaseRef.name === name && o.status?.phase === OpsPhase.Progressing);
    const paused = findCondition(redis.status?.conditions, DbCondition.Paused);
    const skipped =
      busy !== undefined
        ? `RedisOpsRequest ${busy.metadata.name} is Progressing`
        : paused?.status === 'True'
          ? `Paused (${paused.message ?? paused.reason ?? ''})`
          : undefined;
    if (skipped !== undefined) {
      reports.push({ namespace: scope.namespace, redis: name, skipped });
      continue;
    }
    reports.push(await checkOne(deps, redis, scope.clusterId));
  }
  return reports;
}

async function checkOne(deps: StepDeps, redis: Redis, clusterId: string): Promise<DriftReport> {
  const ns = redis.metadata.namespace ?? '';
  const name = redis.metadata.name;
  const managed = await deps.kube.getSecret(ns, managedConfigSecretName(name, redis.metadata.uid ?? ''));
  const declared = managed?.data[ConfigKey.Default];
  if (declared === undefined) return { namespace: ns, redis: name, skipped: 'no declared configuration yet' };
  const expected = declaredExpectations(declared, await engineTable(deps, redis));
  const result = findDrift(
    expected,
    await readPods(
      deps,
      redis,
      expected.map((e) => e.parameter),
    ),
  );
  const changed = await report(deps, redis, result);
  if (changed) await publish(deps, redis, result, clusterId);
  if (result.findings.length > 0)
    deps.log.warn('config drift', { redis: `${ns}/${name}`, drift: describeDrift(result.findings) });
  return { namespace: ns, redis: name, result, changed };
}

/** The directive table of the database's engine line (its RedisVersion), as apply-config judges it. */
async function engineTable(deps: StepDeps, redis: Redis): Promise<EngineTable> {
  const catalog = await deps.kube.getRedisVersion(redis.spec.version);
  const distribution = catalog?.distribution ?? 'Official';
  return planTable({
    distribution,
    ...(catalog?.version !== undefined ? { version: { version: catalog.version, distribution } } : {}),
  });
}

async function readPods(deps: StepDeps, redis: Redis, parameters: string[]): Promise<PodReading[]> {
  const readings: PodReading[] = [];
  for (const pod of await deps.kube.listDatabasePods(redis.metadata.namespace ?? '', redis.metadata.name)) {
    if (!pod.ready || pod.podIP === undefined || pod.deleting) {
      readings.push({ pod: pod.name, unreadable: 'not Ready' });
      continue;
    }
    try {
      const target = await redisTarget(redis, pod.podIP, deps);
      readings.push({ pod: pod.name, values: await deps.redis.configGet(target, parameters) });
    } catch (err) {
      // An unreachable pod is not drift; it is named in the condition as not compared. Anything else is a bug.
      if (!(err instanceof TransientError)) throw err;
      readings.push({ pod: pod.name, unreadable: err.message });
    }
  }
  return readings;
}

/** The ConfigDrift condition, written when it says something new, and an Event when drift appears or clears. */
async function report(deps: StepDeps, redis: Redis, result: DriftResult): Promise<boolean> {
  const next = driftCondition(result);
  const previous = findCondition(redis.status?.conditions, DbCondition.ConfigDrift);
  if (!driftConditionChanged(previous, next)) return false;
  const written = await deps.kube.writeRedisConditions(redis, setCondition(redis.status?.conditions, next, deps.now()));
  if (next.status === 'True')
    await deps.kube.recordEvent(written, {
      type: 'Warning',
      reason: DRIFT_EVENT_REASON,
      message: `running configuration differs from the declared one: ${describeDrift(result.findings)}`,
    });
  else if (previous?.status === 'True')
    await deps.kube.recordEvent(written, {
      type: 'Normal',
      reason: DRIFT_RESOLVED_EVENT_REASON,
      message: 'every pod runs the declared configuration again',
    });
  return true;
}

const DRIFT_EVENT_SOURCE = 'urn:redis-reconfigure:function:drift';

/** Best effort, as every event on the bus (ADR 0006): a failure is logged; the condition already holds the result. */
async function publish(deps: StepDeps, redis: Redis, result: DriftResult, clusterId: string): Promise<void> {
  const event = newDriftEvent(
    {
      version: 1,
      clusterId,
      namespace: redis.metadata.namespace ?? '',
      database: redis.metadata.name,
      status: result.findings.length > 0 ? 'True' : 'False',
      drifted: result.findings.map((f) => ({ pod: f.pod, parameter: f.parameter })),
      notCompared: result.unread.map((u) => u.pod),
    },
    DRIFT_EVENT_SOURCE,
    deps.now(),
  );
  try {
    await deps.events.publish(event);
  } catch (err) {
    deps.log.error('publishing a drift event failed', {
      subject: event.subject,
      type: event.type,
      ...errorFields(err),
    });
  }
}
