/**
 * `drift`: the drift step (shared/steps/drift/) run from here, through the same adapters the functions use, with
 * the kubeconfig's credentials. It needs no queue: a QueuePort that refuses says so if that ever changes.
 */
import { discardMetrics } from '../../shared/observability/metrics.ts';
import { KubeAdapter } from '../../shared/adapters/kube/kube-adapter.ts';
import { RedisAdapter } from '../../shared/adapters/redis/redis-adapter.ts';
import { silentLogger } from '../../shared/logging.ts';
import type { StepDeps } from '../../shared/steps/ports.ts';
import { checkDrift, type DriftReport } from '../../shared/steps/drift/drift-step.ts';
import { describeDrift } from '../../shared/steps/drift/decide-drift.ts';
import { DEFAULT_SAFETY_NET_SECONDS, DEFAULT_STALL_SECONDS } from '../../shared/steps/timing.ts';
import type { CommandInput } from '../command.ts';
import { listRedises } from '../cluster-reads.ts';
import { clusterTargets } from '../kubeconfig.ts';
import { structured, table } from '../output.ts';

export const DRIFT_FOUND_EXIT = 3;

export async function runDrift({ globals, positionals, io }: CommandInput): Promise<number> {
  const [target] = clusterTargets(globals, io.env);
  if (target === undefined) return 1;
  const deps: StepDeps = {
    settings: { stallSeconds: DEFAULT_STALL_SECONDS, safetyNetSeconds: DEFAULT_SAFETY_NET_SECONDS },
    kube: new KubeAdapter(target.kubeConfig),
    redis: new RedisAdapter(),
    events: { publish: async () => undefined },
    metrics: discardMetrics,
    queue: {
      send: async () => {
        throw new Error('the drift check sends no messages');
      },
    },
    now: io.now,
    log: silentLogger,
  };
  const namespaces =
    target.namespace !== undefined
      ? [target.namespace]
      : [...new Set((await listRedises(target.kubeConfig, undefined)).map((r) => r.metadata.namespace ?? ''))].sort();
  const reports: DriftReport[] = [];
  for (const namespace of namespaces)
    reports.push(
      ...(await checkDrift(deps, {
        clusterId: target.context,
        namespace,
        ...(positionals[0] !== undefined ? { redis: positionals[0] } : {}),
      })),
    );
  if (positionals[0] !== undefined && reports.length === 0) {
    io.err(`error: Redis ${target.namespace}/${positionals[0]} not found`);
    return 1;
  }
  await print(reports, globals.output, io.out);
  return reports.some((r) => 'result' in r && r.result.findings.length > 0) ? DRIFT_FOUND_EXIT : 0;
}

async function print(
  reports: DriftReport[],
  format: CommandInput['globals']['output'],
  out: (l: string) => void,
): Promise<void> {
  if (format === 'json' || format === 'yaml') return out(await structured(format, reports));
  const rows = reports.map((r) => {
    if ('skipped' in r) return [r.namespace, r.redis, '-', `skipped: ${r.skipped}`];
    const { findings, unread } = r.result;
    const pods = unread.length > 0 ? ` (not compared: ${unread.map((u) => `${u.pod}: ${u.why}`).join('; ')})` : '';
    return [
      r.namespace,
      r.redis,
      findings.length > 0 ? 'True' : 'False',
      `${describeDrift(findings) || 'none'}${pods}`,
    ];
  });
  for (const line of table(['NAMESPACE', 'REDIS', 'DRIFT', 'DETAIL'], rows)) out(line);
}
