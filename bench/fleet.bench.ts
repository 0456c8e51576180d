/**
 * Fleet rollout makespan on local clusters, side by side in one run: one database reconfigured alone (a plain ops
 * request), then one FleetRollout over every database with no canary and no concurrency limit, then the same change
 * with a canary of 5 and waves of 25. The ratio to the single database is the rollout's overhead; the per-database
 * ops request times show what the wall clock is spent on (the pipeline's own steps on a shared machine).
 * Usage: npx node bench/fleet.bench.ts [clusters] [databases per cluster] [environments per function]
 *   (default: 10 10 and serverless.yml's local maximumConcurrency, 2 — 100 databases).
 *   FLEET_BENCH_RESYNC_SECONDS sets the hub forwarder's resync (default 5).
 *   FLEET_BENCH_ONLY=waves runs only the canary + waves rollout (besides the single database it is compared to).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { startLocalFleet, type LocalFleet } from '../infra/local/fleet-stack.ts';
import { applyObjects } from '../infra/local/manifests.ts';
import { followOpsRequest } from '../infra/local/ops-progress.ts';
import type { RedisOpsRequest } from '../shared/kubedb/types.ts';
import { createDatabase, reconfigure, waitDatabaseReady } from '../test/e2e/harness.ts';
import { createRollout, fleetOps, waitRollout } from '../test/e2e/fleet-harness.ts';
import { startCpuAccount } from './cpu-accounting.ts';

type Row = Record<string, string | number>;

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

/** When an ops request ended: its last condition (seconds resolution, the API's timestamps). */
const opsEnd = (o: RedisOpsRequest): number | undefined =>
  (o.status?.conditions ?? []).map((c) => Date.parse(c.lastTransitionTime)).sort((a, b) => b - a)[0];

/** Seconds covered by at least one of the intervals (ms): the time some ops request of the rollout was running. */
function coveredSeconds(intervals: Array<[number, number]>): number {
  let covered = 0;
  let reach = Number.NEGATIVE_INFINITY;
  for (const [start, end] of [...intervals].sort((a, b) => a[0] - b[0])) {
    if (end > reach) covered += end - Math.max(start, reach);
    reach = Math.max(reach, end);
  }
  return covered / 1000;
}

/** An ops request's own duration: created → its last condition. */
function opsSeconds(o: RedisOpsRequest): number {
  const last = opsEnd(o);
  return last === undefined ? Number.NaN : (last - Date.parse(o.metadata.creationTimestamp ?? '')) / 1000;
}

async function alone(kc: KubeConfig, value: number): Promise<number> {
  const t0 = performance.now();
  const ops = reconfigure('bench', `alone-${value}`, 'solo', { applyConfig: { 'redis.conf': `maxclients ${value}` } });
  await applyObjects(kc, [ops] as never);
  const end = await followOpsRequest(kc, 'bench', ops.metadata.name, () => undefined, { timeoutMs: 300_000 });
  if (end.status?.phase !== 'Successful') throw new Error(`the single database ended ${end.status?.phase}`);
  return (performance.now() - t0) / 1000;
}

async function rollout(fleet: LocalFleet, name: string, value: number, strategy: object): Promise<Row> {
  const t0 = performance.now();
  const r = await createRollout(fleet.hub.kubeConfig, 'fleet', name, {
    databaseSelector: { namespaces: ['bench'], labelSelector: { matchLabels: { role: 'member' } } },
    configuration: { applyConfig: { 'redis.conf': `maxclients ${value}` } },
    strategy,
  });
  const end = await waitRollout(
    fleet.hub.kubeConfig,
    'fleet',
    name,
    (s) => ['Completed', 'Halted', 'Aborted', 'RolledBack'].includes(s.phase),
    'finished',
    1_800_000,
  );
  const makespan = (performance.now() - t0) / 1000;
  const ops = [...(await fleetOps(fleet, r.metadata.uid)).values()];
  const durations = ops.map(opsSeconds);
  // The rollout's own overhead: from the last ops request's end to the rollout's finishedAt (both 1 s resolution).
  const lastOpsEnd = Math.max(...ops.map((o) => opsEnd(o) ?? Number.NaN));
  // ... and all of it: the time no ops request of the rollout ran (between waves, before the first, after the last).
  const running = ops.map((o): [number, number] => [Date.parse(o.metadata.creationTimestamp ?? ''), opsEnd(o) ?? 0]);
  const span = (Date.parse(end.finishedAt ?? '') - Date.parse(end.startedAt ?? '')) / 1000;
  return {
    phase: end.phase,
    databases: end.counts.total,
    succeeded: end.counts.succeeded,
    'makespan s': makespan.toFixed(1),
    'ops p50 s': pct(durations, 50),
    'ops p95 s': pct(durations, 95),
    'ops max s': Math.max(...durations),
    'finished − last ops end s': ((Date.parse(end.finishedAt ?? '') - lastOpsEnd) / 1000).toFixed(0),
    'no ops running s': (span - coveredSeconds(running)).toFixed(0),
  };
}

export async function run(clusters = 10, perCluster = 10, concurrency?: number): Promise<Row[]> {
  const cpuRows: Row[] = [];
  const stateDir = await mkdtemp(join(tmpdir(), 'rr-bench-fleet-'));
  const fleet = await startLocalFleet({
    stateDir,
    clusters,
    // The hub forwarder re-announces unfinished rollouts every resync: FLEET_BENCH_RESYNC_SECONDS=300 takes it away.
    resyncSeconds: Number(process.env.FLEET_BENCH_RESYNC_SECONDS ?? 5),
    // The safety-net look as on AWS: what moves the rollout are its ops requests' outcome events.
    rolloutLookSeconds: 300,
    ...(concurrency !== undefined ? { concurrency } : {}),
  });
  try {
    for (const c of fleet.clusters) {
      for (let i = 0; i < perCluster; i++) await createDatabase(c.kubeConfig, 'bench', `db-${i}`, 'maxclients 500\n');
      await applyObjects(
        c.kubeConfig,
        Array.from({ length: perCluster }, (_, i) => ({
          apiVersion: 'kubedb.com/v1',
          kind: 'Redis',
          metadata: { name: `db-${i}`, namespace: 'bench', labels: { role: 'member' } },
        })),
      );
    }
    await createDatabase(fleet.hub.kubeConfig, 'bench', 'solo', 'maxclients 500\n');
    for (const c of fleet.clusters)
      await Promise.all(
        Array.from({ length: perCluster }, (_, i) => waitDatabaseReady(c.kubeConfig, 'bench', `db-${i}`)),
      );
    await waitDatabaseReady(fleet.hub.kubeConfig, 'bench', 'solo');
    await alone(fleet.hub.kubeConfig, 550); // warm-up: every function's first (cold) invocation is not the measure
    const single = await alone(fleet.hub.kubeConfig, 600);
    const onlyWaves = process.env.FLEET_BENCH_ONLY === 'waves';
    // Where the CPU of the all-at-once rollout goes: which floor the machine's two cores set (docs/benchmarks.md).
    const account = onlyWaves ? undefined : startCpuAccount(fleet.runner);
    const all = onlyWaves ? undefined : await rollout(fleet, 'all-at-once', 1000, {});
    if (account !== undefined) cpuRows.push(...account.stop());
    const waves = await rollout(fleet, 'canary-waves', 1100, { canary: { count: 5 }, waveSize: 25 });
    const singleAgain = await alone(fleet.hub.kubeConfig, 700);
    const ratio = (row: Row): string => (Number(row['makespan s']) / single).toFixed(2);
    return [
      {
        scenario: 'one database alone (ops request)',
        databases: 1,
        'makespan s': single.toFixed(1),
        'vs alone': '1.00',
      },
      ...(all === undefined
        ? []
        : [{ scenario: `rollout, no canary, unlimited (${clusters} clusters)`, ...all, 'vs alone': ratio(all) }]),
      { scenario: 'rollout, canary 5 + waves of 25', ...waves, 'vs alone': ratio(waves) },
      { scenario: 'one database alone, again', databases: 1, 'makespan s': singleAgain.toFixed(1) },
      // Where the CPU of the all-at-once rollout went (bench/cpu-accounting.ts): the floor on this machine.
      ...cpuRows.map(({ consumer, ...rest }) => ({ scenario: `CPU during the rollout: ${String(consumer)}`, ...rest })),
    ];
  } finally {
    await fleet.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const [clusters, perCluster, concurrency] = process.argv.slice(2).map(Number);
  console.table(await run(clusters || undefined, perCluster || undefined, concurrency || undefined));
}
