/**
 * Live apply (docs/adr/0011-live-apply.md): every changed directive can be CONFIG SET on the database's engine line,
 * so no pod restarts. CONFIG SET is per node and never replicated (redis src/commands/config-set.json:
 * REQUEST_POLICY:ALL_NODES), so every pod of every shard is set and checked. The order is the one that never leaves
 * a pod running values that are not persisted, nor persists values no pod accepted (the bug valkey-operator's live
 * apply shipped with):
 *   1. CONFIG SET on a canary pod (a replica where there is one), then CONFIG GET shows the new values;
 *   2. persist (operator secret + the Redis's spec.configuration) — only now;
 *   3. every other pod, replicas before primaries, each verified.
 * The canary refusing → it is restored, nothing was persisted, the ops request fails quoting the engine. A later pod
 * refusing or unreachable → every pod already set is restored, the persisted config rolled back, the run fails.
 * Restoring sets the previous declared values (what a restarted pod would run), so a replayed step restores the same.
 */
import { OpsRequestFailedError, RedisCommandRefusedError, UnavailableError } from '../../errors.ts';
import type { Redis } from '../../kubedb/types.ts';
import { compareWithConfigGet } from '../../config/verify.ts';
import type { StepDeps, RedisTarget } from '../ports.ts';
import { everyPodTarget, type PodTarget } from '../topology/every-pod.ts';
import { describeMismatches } from '../restart-pod/config-mismatch.ts';

export interface LiveChange {
  /** `[param, value, …]` that make a pod run the new config (shared/config/live-apply.ts configSetArguments). */
  set: string[];
  /** `[param, value, …]` that put a pod back on the previous config. */
  restore: string[];
  /** What CONFIG GET must show once `set` is in effect. */
  expected: Array<{ parameter: string; expected: string }>;
  /** One multi-parameter CONFIG SET (Redis ≥ 7.0, all-or-nothing), else one parameter at a time (6.2). */
  atomic: boolean;
}

export interface LiveApplyHooks {
  /** Write the new config where restarted pods read it; called once, after the canary accepted it. */
  persist: () => Promise<void>;
  /** Put the previous config back where restarted pods read it (after persist, when a later pod failed). */
  unpersist: () => Promise<void>;
}

export interface LiveApplied {
  /** The pods set, in order; the first is the canary. */
  pods: string[];
}

/** Pods in live-apply order, every one reachable; exported for `redis-reconfigure plan` (same order, same message). */
export const liveTargets = (redis: Redis, deps: StepDeps): Promise<PodTarget[]> =>
  everyPodTarget(
    redis,
    deps,
    (which) =>
      new OpsRequestFailedError(
        'LiveApplyFailed',
        `the configuration can be applied without a restart, but ${which}: every pod must take it; nothing was changed`,
      ),
  );

async function configSet(target: RedisTarget, args: string[], atomic: boolean, deps: StepDeps): Promise<void> {
  if (atomic) return deps.redis.configSet(target, args);
  for (let i = 0; i + 1 < args.length; i += 2) await deps.redis.configSet(target, args.slice(i, i + 2));
}

/** Set and verify one pod; the problem in words when it did not take the new values. */
async function setAndVerify(pod: PodTarget, change: LiveChange, deps: StepDeps): Promise<string | undefined> {
  try {
    await configSet(pod.target, change.set, change.atomic, deps);
    const actual = await deps.redis.configGet(
      pod.target,
      change.expected.map((e) => e.parameter),
    );
    const mismatches = compareWithConfigGet(change.expected, actual);
    return mismatches.length === 0 ? undefined : `accepted CONFIG SET but reports ${describeMismatches(mismatches)}`;
  } catch (err) {
    if (err instanceof RedisCommandRefusedError) return `refused it: ${engineWords(err.message)}`;
    if (err instanceof UnavailableError) return `could not be reached: ${err.message}`;
    throw err;
  }
}

/** The engine's reply without our own prefix (`CONFIG SET refused by 127.10.0.4:6379: `). */
const engineWords = (message: string): string => message.replace(/^CONFIG SET refused by [^ ]+: /, '');

/** Put every pod already set back on its previous values; what could not be restored, in words. */
async function restorePods(pods: PodTarget[], change: LiveChange, deps: StepDeps): Promise<string[]> {
  const failed: string[] = [];
  for (const pod of [...pods].reverse()) {
    try {
      await configSet(pod.target, change.restore, change.atomic, deps);
    } catch (err) {
      deps.log.error('restoring a pod to its previous values failed', { pod: pod.pod, error: (err as Error).message });
      failed.push(`${pod.pod} (${(err as Error).message})`);
    }
  }
  return failed;
}

export async function applyLive(
  redis: Redis,
  change: LiveChange,
  hooks: LiveApplyHooks,
  deps: StepDeps,
): Promise<LiveApplied> {
  const pods = await liveTargets(redis, deps);
  const done: PodTarget[] = [];
  for (const [index, pod] of pods.entries()) {
    // A pod that refused a multi-parameter CONFIG SET changed nothing, but one parameter at a time (6.2) or an
    // accepted-but-different value may have: it is restored with the others.
    const problem = await setAndVerify(pod, change, deps);
    if (problem !== undefined) return failLive(pod.pod, problem, index === 0, [...done, pod], change, hooks, deps);
    done.push(pod);
    deps.log.info('configuration applied live', { pod: pod.pod, canary: index === 0 });
    if (index === 0) await hooks.persist();
  }
  return { pods: pods.map((p) => p.pod) };
}

async function failLive(
  podName: string,
  problem: string,
  canary: boolean,
  touched: PodTarget[],
  change: LiveChange,
  hooks: LiveApplyHooks,
  deps: StepDeps,
): Promise<never> {
  const notRestored = await restorePods(touched, change, deps);
  const unrestored = notRestored.length > 0 ? `; could NOT restore ${notRestored.join(', ')}` : '';
  if (canary) {
    throw new OpsRequestFailedError(
      'ConfigRefusedByEngine',
      `pod ${podName} (the canary) ${problem}; nothing was persisted and the pod was given its previous values back${unrestored}`,
    );
  }
  await hooks.unpersist();
  const others = touched.filter((p) => p.pod !== podName).map((p) => p.pod);
  throw new OpsRequestFailedError(
    'RolledBack',
    `pod ${podName} ${problem}; the pods already set (${others.join(', ')}) were given their previous values back and the previous configuration was restored${unrestored}`,
  );
}
