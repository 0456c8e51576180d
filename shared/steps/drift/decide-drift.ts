/**
 * Config drift, pure (docs/operations.md "Drift"): the configuration a database declares — the operator-managed
 * secret's default.conf, which every pod reads at start — against what each pod runs (`CONFIG GET`), both sides
 * normalised the way the engine prints values (shared/config/verify.ts, the same comparison a restart is verified
 * with), so `maxmemory 1gb` and `1073741824` agree. Drift is found, never corrected: a `CONFIG SET` behind the
 * operator's back is a fact to report, and overwriting it could undo an emergency fix.
 */
import type { EngineTable } from '../../config/flags.ts';
import { keyedSettings } from '../../config/merge.ts';
import { parseRedisConf } from '../../config/parse.ts';
import { compareWithConfigGet, expectedRuntimeValues } from '../../config/verify.ts';
import { DbCondition } from '../../kubedb/constants.ts';
import type { Condition } from '../../kubedb/types.ts';

interface Expectation {
  parameter: string;
  expected: string;
}

/**
 * What every pod should report for each directive the declared config sets. File paths are left out: a path names
 * a place in the container's filesystem (the local kubelet maps /data to a host directory), not a behaviour.
 */
export function declaredExpectations(effectiveConfig: string, table: EngineTable): Expectation[] {
  const settings = [...keyedSettings(parseRedisConf(effectiveConfig, 'declared config')).entries()];
  const changed = settings
    .filter(([, s]) => !s.args.some((a) => a.startsWith('/')))
    .map(([key, s]) => ({ name: s.name, key, before: undefined, after: s.args }));
  return expectedRuntimeValues(changed, effectiveConfig, table);
}

export type PodReading = { pod: string; values: Record<string, string> } | { pod: string; unreadable: string };

interface DriftFinding {
  pod: string;
  parameter: string;
  declared: string;
  running: string;
}

export interface DriftResult {
  findings: DriftFinding[];
  /** Pods not compared (not Ready, unreachable), with the reason: not drift, but not known to be free of it. */
  unread: Array<{ pod: string; why: string }>;
}

/** A parameter the pod does not report (unknown to its version) is not drift: nothing could have set it. */
export function findDrift(expected: readonly Expectation[], readings: readonly PodReading[]): DriftResult {
  const findings: DriftFinding[] = [];
  const unread: DriftResult['unread'] = [];
  for (const r of readings) {
    if ('unreadable' in r) {
      unread.push({ pod: r.pod, why: r.unreadable });
      continue;
    }
    for (const m of compareWithConfigGet([...expected], r.values))
      if (m.actual !== undefined)
        findings.push({ pod: r.pod, parameter: m.parameter, declared: m.expected, running: m.actual });
  }
  return { findings, unread };
}

/** `maxclients on rd-1: declared "500", running "900"; …` — every finding, for the condition and the event. */
export function describeDrift(findings: readonly DriftFinding[]): string {
  return findings.map((f) => `${f.parameter} on ${f.pod}: declared "${f.declared}", running "${f.running}"`).join('; ');
}

const DRIFT_REASON = 'ConfigDrift';
const NO_DRIFT_REASON = 'NoConfigDrift';

/** The Redis's ConfigDrift condition for a result: True naming every directive and pod, False when none differs. */
export function driftCondition(result: DriftResult): Omit<Condition, 'lastTransitionTime'> {
  const unread =
    result.unread.length > 0 ? ` (not compared: ${result.unread.map((u) => `${u.pod}: ${u.why}`).join('; ')})` : '';
  if (result.findings.length > 0)
    return {
      type: DbCondition.ConfigDrift,
      status: 'True',
      reason: DRIFT_REASON,
      message: `running configuration differs from the declared one: ${describeDrift(result.findings)}${unread}`,
    };
  return {
    type: DbCondition.ConfigDrift,
    status: 'False',
    reason: NO_DRIFT_REASON,
    message: `every pod runs the declared configuration${unread}`,
  };
}

/** Whether the condition says something new (status or message): only then is it written and an Event recorded. */
export const driftConditionChanged = (
  previous: Condition | undefined,
  next: Omit<Condition, 'lastTransitionTime'>,
): boolean => previous?.status !== next.status || previous.message !== next.message;
