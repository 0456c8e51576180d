/**
 * Failover-aware rolling vs KubeDB's order, side by side in one run: the same Reconfigure on a 3-shard × 2 Redis
 * Cluster and on a 3-pod Sentinel setup, once with `restart-strategy: kubedb` (replicas first, primaries restarted
 * without a failover) and once with our default (a controlled failover before each primary's restart), while a
 * write probe measures what clients see. The kubelet follows KubeDB's sentinel-mode start script to the second,
 * including its `sleep 5`, so a restarted sentinel-mode pod is away as long as under KubeDB.
 * Usage: npx node bench/topology-strategies.bench.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { applyFile, applyObjects } from '../infra/local/manifests.ts';
import { followOpsRequest } from '../infra/local/ops-progress.ts';
import { PROJECT_ROOT } from '../infra/local/serverless-config.ts';
import { startLocalStack } from '../infra/local/stack.ts';
import { waitFor } from '../infra/local/wait.ts';
import { RESTART_STRATEGY_ANNOTATION } from '../shared/steps/annotations.ts';
import { evictPodCondition, failoverCondition, isPodReadyCondition } from '../shared/kubedb/constants.ts';
import type { RedisOpsRequest } from '../shared/kubedb/types.ts';
import { startWriteProbe, type ProbeTarget } from './write-probe/index.ts';
import { reconfigure, waitDatabaseReady } from '../test/e2e/harness.ts';

export interface Row {
  [column: string]: string | number;
}

async function secretPassword(kc: KubeConfig, ns: string, name: string): Promise<string> {
  const s = await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace: ns, name });
  return Buffer.from(s.data?.['password'] ?? '', 'base64').toString();
}

async function podIp(kc: KubeConfig, ns: string, pod: string): Promise<string> {
  return waitFor(
    `${pod} IP`,
    async () => (await kc.makeApiClient(CoreV1Api).readNamespacedPod({ namespace: ns, name: pod })).status?.podIP,
    { timeoutMs: 60_000 },
  );
}

interface PodNow {
  uid: string;
  /** When the (recreated) pod last turned Ready, epoch ms. */
  readyAt: number;
}

async function podUids(kc: KubeConfig, db: string): Promise<Map<string, PodNow>> {
  const pods = await kc
    .makeApiClient(CoreV1Api)
    .listNamespacedPod({ namespace: 'demo', labelSelector: `app.kubernetes.io/instance=${db}` });
  return new Map(
    pods.items.map((p) => [
      p.metadata?.name ?? '',
      {
        uid: p.metadata?.uid ?? '',
        readyAt: Date.parse(String(p.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime ?? '')),
      },
    ]),
  );
}

/**
 * Where the time goes, per pod in restart order: failover issued → evicted → new pod Ready (the kubelet) → verified
 * (in sync, topology whole: restart-pod's IsPodReady condition), from the conditions' and the pod's own times.
 */
function podTimeline(done: RedisOpsRequest, created: number, pods: Map<string, PodNow>): Row[] {
  const conditions = done.status?.conditions ?? [];
  const at = (type: string): number | undefined => {
    const t = Date.parse(conditions.find((c) => c.type === type)?.lastTransitionTime ?? '');
    return Number.isFinite(t) ? t : undefined;
  };
  const s = (t: number | undefined): string =>
    t === undefined || !Number.isFinite(t) ? '' : ((t - created) / 1000).toFixed(2);
  const order = conditions
    .filter((c) => c.type.startsWith('EvictPod--'))
    .map((c) => c.type.slice('EvictPod--'.length))
    .sort((a, b) => (at(evictPodCondition(a)) ?? 0) - (at(evictPodCondition(b)) ?? 0));
  return order.map((pod) => ({
    pod,
    'failover issued': s(at(failoverCondition(pod))),
    evicted: s(at(evictPodCondition(pod))),
    'pod Ready': s(pods.get(pod)?.readyAt),
    verified: s(at(isPodReadyCondition(pod))),
  }));
}

async function probeTarget(kc: KubeConfig, mode: 'cluster' | 'sentinel'): Promise<ProbeTarget> {
  if (mode === 'cluster') {
    return {
      mode: 'cluster',
      seeds: [{ host: await podIp(kc, 'demo', 'redis-cluster-shard0-0'), port: 6379 }],
      password: await secretPassword(kc, 'demo', 'redis-cluster-auth'),
      shards: 3,
    };
  }
  const sentinels = await Promise.all(
    [0, 1, 2].map(async (i) => ({ host: await podIp(kc, 'demo', `sen-demo-${i}`), port: 26379 })),
  );
  return {
    mode: 'sentinel',
    sentinels,
    masterName: 'demo/rd-demo',
    password: await secretPassword(kc, 'demo', 'rd-demo-auth'),
    sentinelPassword: await secretPassword(kc, 'demo', 'sen-demo-auth'),
  };
}

async function runOne(
  kc: KubeConfig,
  mode: 'cluster' | 'sentinel',
  strategy: 'kubedb' | 'failover',
  value: number,
): Promise<Row> {
  const db = mode === 'cluster' ? 'redis-cluster' : 'rd-demo';
  await waitDatabaseReady(kc, 'demo', db);
  const probe = startWriteProbe(await probeTarget(kc, mode));
  await probe.waitForWrites(20, 30_000);
  const before = await podUids(kc, db);
  // restart "true": maxclients is mutable, and since live apply (docs/adr/0011) "auto" would change it without a restart.
  const ops = reconfigure('demo', `${mode}-${strategy}`, db, {
    applyConfig: { 'redis.conf': `maxclients ${value}` },
    restart: 'true',
  });
  const annotated = { ...ops, metadata: { ...ops.metadata, annotations: { [RESTART_STRATEGY_ANNOTATION]: strategy } } };
  const started = performance.now();
  const startedAt = Date.now();
  await applyObjects(kc, [annotated] as never);
  // A run that does not finish is a result too (KubeDB's order can leave a Sentinel database with two primaries, see
  // docs/benchmarks.md): it is reported as such, and it is the last run on that database.
  const done = await followOpsRequest(kc, 'demo', annotated.metadata.name, () => undefined, {
    timeoutMs: RUN_TIMEOUT_MS,
  }).catch((err: unknown) => {
    console.error(`${mode} ${strategy}: ${(err as Error).message}`);
    return undefined;
  });
  const totalMs = performance.now() - started;
  if (done !== undefined) await waitDatabaseReady(kc, 'demo', db);
  const report = await probe.stop();
  const after = await podUids(kc, db);
  console.log(`${mode} ${strategy}: per pod, seconds since the ops request was created`);
  if (done !== undefined) console.table(podTimeline(done, startedAt, after));
  return {
    topology: mode === 'cluster' ? 'Cluster 3×2' : 'Sentinel 3 + 3',
    strategy: strategy === 'kubedb' ? '(a) KubeDB order' : '(b) failover-aware',
    phase: done?.status?.phase ?? `not finished in ${RUN_TIMEOUT_MS / 1000} s`,
    'total s': (totalMs / 1000).toFixed(1),
    'longest unavailable ms': Math.round(report.longestUnavailableMs),
    'total unavailable ms': Math.round(report.totalUnavailableMs),
    'failed writes': report.writesFailed,
    'lost acked writes': report.lostAcknowledgedWrites,
    'writes acked': report.writesAcknowledged,
    'pods restarted': [...before].filter(([pod, p]) => after.get(pod)?.uid !== p.uid).length,
  };
}

/** Each run takes under a minute on this machine, loaded; four minutes means it will not finish. */
const RUN_TIMEOUT_MS = 240_000;

/** KubeDB's sentinel-mode start script sleeps 5 s before anything else (on-start.sh): a pod restart takes that long. */
const KUBEDB_SENTINEL_START_SLEEP_MS = 5000;

export async function run(): Promise<Row[]> {
  const stateDir = await mkdtemp(join(tmpdir(), 'rr-topo-bench-'));
  // Restart costs are the point here, so the kubelet follows KubeDB's start scripts to the second.
  const stack = await startLocalStack({
    stateDir,
    startScripts: { sentinelStartSleepMs: KUBEDB_SENTINEL_START_SLEEP_MS },
  });
  const rows: Row[] = [];
  try {
    const kc = stack.kubeConfig;
    for (const f of ['00-namespace.yaml', '01-redis-cluster.yaml'])
      await applyFile(kc, join(PROJECT_ROOT, 'examples/cluster', f));
    for (const f of ['01-sentinel.yaml', '02-redis.yaml'])
      await applyFile(kc, join(PROJECT_ROOT, 'examples/sentinel', f));
    rows.push(await runOne(kc, 'cluster', 'kubedb', 4100));
    rows.push(await runOne(kc, 'cluster', 'failover', 4200));
    // Sentinel: ours first — KubeDB's order can leave the database with two primaries (docs/benchmarks.md).
    rows.push(await runOne(kc, 'sentinel', 'failover', 4400));
    rows.push(await runOne(kc, 'sentinel', 'kubedb', 4300));
  } finally {
    await stack.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.main) {
  run().then(
    (rows) => console.table(rows),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
