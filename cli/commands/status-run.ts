/**
 * `status` (cli/commands/status.ts): every ops request in flight (not Successful / Failed / Skipped), per cluster, with what it waits for and
 * the age of its last transition; and the databases left Paused by an ops request that will never resume them.
 */
import type { CommandInput, CommandIo } from '../command.ts';
import type { OutputFormat } from '../args.ts';
import { listOpsRequests, listRedises } from '../cluster-reads.ts';
import { clusterTargets, type ClusterTarget } from '../kubeconfig.ts';
import { humanDuration, structured, table } from '../output.ts';
import { describeOps, isInFlight, isStranded, pauseOf, type OpsView, type PauseView } from '../status-view.ts';

interface ClusterStatus {
  context: string;
  namespace: string | undefined;
  inFlight: OpsView[];
  stranded: PauseView[];
  error?: string;
}

async function readCluster(target: ClusterTarget, now: Date): Promise<ClusterStatus> {
  const base = { context: target.context, namespace: target.namespace, inFlight: [], stranded: [] };
  try {
    const [ops, redises] = await Promise.all([
      listOpsRequests(target.kubeConfig, target.namespace),
      listRedises(target.kubeConfig, target.namespace),
    ]);
    const inFlight = ops.filter(isInFlight).map((o) => describeOps(o, now));
    const stranded = redises.map(pauseOf).filter((p): p is PauseView => p !== undefined && isStranded(p, ops));
    return { ...base, inFlight: sortViews(inFlight), stranded };
  } catch (err) {
    // One unreachable cluster must not hide the others (--all-contexts): reported, and the exit code is 1.
    return { ...base, error: err instanceof Error ? err.message : String(err) };
  }
}

const sortViews = (views: OpsView[]): OpsView[] =>
  views.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));

const age = (iso: string | undefined, now: Date): string =>
  iso === undefined ? '<none>' : humanDuration(now.getTime() - Date.parse(iso));

/** `in 41m`, or `passed 12s ago` (recover ends the run within a resync period), or `<none>` before the pause. */
const deadlineCell = (iso: string | undefined, now: Date): string => {
  if (iso === undefined) return '<none>';
  const left = Date.parse(iso) - now.getTime();
  return left >= 0 ? `in ${humanDuration(left)}` : `passed ${humanDuration(-left)} ago`;
};

function opsRows(statuses: ClusterStatus[], wide: boolean, multi: boolean, allNs: boolean, now: Date): string[] {
  const headers = [
    ...(multi ? ['CONTEXT'] : []),
    ...(allNs ? ['NAMESPACE'] : []),
    'NAME',
    'DATABASE',
    'PHASE',
    'LAST TRANSITION',
    ...(wide ? ['STEP', 'CONDITION', 'DEADLINE', 'UID'] : []),
    'WAITING FOR',
  ];
  const rows = statuses.flatMap((s) =>
    s.inFlight.map((v) => [
      ...(multi ? [s.context] : []),
      ...(allNs ? [v.namespace] : []),
      v.name,
      v.database,
      v.phase,
      age(v.lastTransitionTime, now),
      ...(wide
        ? [
            v.pod === undefined ? v.step : `${v.step}:${v.pod}`,
            v.lastCondition === undefined
              ? '<none>'
              : `${v.lastCondition.type}=${v.lastCondition.status}${v.lastCondition.reason !== undefined && v.lastCondition.reason !== v.lastCondition.type ? ` (${v.lastCondition.reason})` : ''}`,
            deadlineCell(v.deadline, now),
            v.uid,
          ]
        : []),
      v.waitingFor,
    ]),
  );
  return rows.length === 0 ? [] : table(headers, rows);
}

function strandedRows(statuses: ClusterStatus[], multi: boolean, now: Date): string[] {
  const rows = statuses.flatMap((s) =>
    s.stranded.map((p) => [...(multi ? [s.context] : []), p.namespace, p.database, age(p.since, now), p.pausedBy]),
  );
  if (rows.length === 0) return [];
  return [
    '',
    'Paused databases that no ops request in flight will resume (redis-reconfigure unpause <database> -n <namespace>):',
    ...table([...(multi ? ['CONTEXT'] : []), 'NAMESPACE', 'DATABASE', 'PAUSED FOR', 'PAUSED BY'], rows),
  ];
}

async function print(statuses: ClusterStatus[], output: OutputFormat, allNs: boolean, io: CommandIo): Promise<void> {
  const now = io.now();
  if (output === 'json' || output === 'yaml') {
    const items = statuses.flatMap((s) => [
      ...s.inFlight.map((v) => ({ kind: 'InFlightOpsRequest', context: s.context, ...v })),
      ...s.stranded.map((p) => ({ kind: 'StrandedPause', context: s.context, ...p })),
      ...(s.error !== undefined ? [{ kind: 'Error', context: s.context, error: s.error }] : []),
    ]);
    io.out(await structured(output, items));
    return;
  }
  const multi = statuses.length > 1;
  for (const s of statuses) if (s.error !== undefined) io.err(`error: context ${s.context}: ${s.error}`);
  const lines = [...opsRows(statuses, output === 'wide', multi, allNs, now), ...strandedRows(statuses, multi, now)];
  if (lines.length > 0) {
    for (const line of lines) io.out(line);
    return;
  }
  const where = allNs ? 'any namespace' : `namespace ${statuses[0]?.namespace ?? 'default'} (-A: every namespace)`;
  if (statuses.some((s) => s.error === undefined)) io.out(`No ops request in flight in ${where}.`);
}

export async function runStatus({ globals, values, io }: CommandInput): Promise<number> {
  const targets = clusterTargets(globals, io.env, values['all-contexts'] === true);
  const statuses = await Promise.all(targets.map((t) => readCluster(t, io.now())));
  await print(statuses, globals.output, globals.allNamespaces, io);
  return statuses.some((s) => s.error !== undefined) ? 1 : 0;
}
