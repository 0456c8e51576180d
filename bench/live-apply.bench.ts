/**
 * Live apply vs rolling restart, side by side in one run (docs/adr/0011-live-apply.md): KubeDB's Cluster example
 * (3 shards × 2) and an all-mutable change (`maxmemory-policy` + `hz`), first with restart "auto" — the live path,
 * three times with different values — then the same kind of change with restart "true" (failover-aware rolling),
 * while a write probe writes through the cluster. Measured: wall time from `kubectl apply` to the ops request
 * Successful (the forwarder's watch, SQS and the Lambda runner included), pods recreated (uids before vs after),
 * the probe's failed and lost writes. Goal for the live path: 0 restarts, ≤ 1 s, 0 failed writes.
 * Usage: npx node bench/live-apply.bench.ts (needs the bundles: npm run build)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { applyFile, applyObjects } from '../infra/local/manifests.ts';
import { followOpsRequest } from '../infra/local/ops-progress.ts';
import { configGetOnPod } from '../infra/local/redis-query.ts';
import { PROJECT_ROOT } from '../infra/local/serverless-config.ts';
import { startLocalStack } from '../infra/local/stack.ts';
import { reconfigure, waitDatabaseReady } from '../test/e2e/harness.ts';
import { startWriteProbe } from './write-probe/index.ts';

export interface Row {
  [column: string]: string | number;
}

const NS = 'demo';
const DB = 'redis-cluster';

async function podUids(kc: KubeConfig): Promise<Map<string, string>> {
  const pods = await kc
    .makeApiClient(CoreV1Api)
    .listNamespacedPod({ namespace: NS, labelSelector: `app.kubernetes.io/instance=${DB}` });
  return new Map(pods.items.map((p) => [p.metadata?.name ?? '', p.metadata?.uid ?? '']));
}

async function secretPassword(kc: KubeConfig, name: string): Promise<string> {
  const s = await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace: NS, name });
  return Buffer.from(s.data?.['password'] ?? '', 'base64').toString();
}

async function runOne(
  kc: KubeConfig,
  name: string,
  change: { policy: string; hz: number },
  restart: 'auto' | 'true',
  functions: 'cold' | 'warm',
): Promise<Row> {
  await waitDatabaseReady(kc, NS, DB);
  const before = await podUids(kc);
  const seed = (await kc.makeApiClient(CoreV1Api).readNamespacedPod({ namespace: NS, name: `${DB}-shard0-0` })).status
    ?.podIP;
  const probe = startWriteProbe({
    mode: 'cluster',
    seeds: [{ host: seed ?? '', port: 6379 }],
    password: await secretPassword(kc, `${DB}-auth`),
    shards: 3,
  });
  await probe.waitForWrites(20, 30_000);
  const conf = `maxmemory-policy ${change.policy}\nhz ${change.hz}`;
  const ops = reconfigure(NS, name, DB, {
    applyConfig: { 'redis.conf': conf },
    ...(restart === 'true' ? { restart: 'true' } : {}),
  });
  const started = performance.now();
  await applyObjects(kc, [ops] as never);
  const done = await followOpsRequest(kc, NS, name, () => undefined, { timeoutMs: 900_000 });
  const totalMs = performance.now() - started;
  await waitDatabaseReady(kc, NS, DB);
  const report = await probe.stop();
  const after = await podUids(kc);
  const restarted = [...before].filter(([pod, uid]) => after.get(pod) !== uid).length;
  let onAll = 0;
  for (const pod of after.keys())
    if ((await configGetOnPod(kc, NS, pod, DB, 'maxmemory-policy')) === change.policy) onAll++;
  return {
    path: restart === 'auto' ? 'live (restart auto)' : 'rolling (restart "true")',
    change: `maxmemory-policy ${change.policy}, hz ${change.hz}`,
    // The stack's first ops request meets cold function environments (bundle import, clients): see docs/benchmarks.md.
    functions,
    phase: done.status?.phase ?? '?',
    's to Successful': (totalMs / 1000).toFixed(2),
    'pods restarted': restarted,
    'pods with value': `${onAll}/${after.size}`,
    'failed writes': report.writesFailed,
    'lost acked writes': report.lostAcknowledgedWrites,
    'writes acked': report.writesAcknowledged,
    'longest unavailable ms': Math.round(report.longestUnavailableMs),
  };
}

export async function run(): Promise<Row[]> {
  const stateDir = await mkdtemp(join(tmpdir(), 'rr-live-bench-'));
  const stack = await startLocalStack({ stateDir });
  const rows: Row[] = [];
  try {
    const kc = stack.kubeConfig;
    for (const f of ['00-namespace.yaml', '01-redis-cluster.yaml'])
      await applyFile(kc, join(PROJECT_ROOT, 'examples/cluster', f));
    rows.push(await runOne(kc, 'live-1', { policy: 'allkeys-lru', hz: 20 }, 'auto', 'cold'));
    rows.push(await runOne(kc, 'live-2', { policy: 'volatile-lru', hz: 21 }, 'auto', 'warm'));
    rows.push(await runOne(kc, 'live-3', { policy: 'allkeys-lfu', hz: 22 }, 'auto', 'warm'));
    rows.push(await runOne(kc, 'rolling', { policy: 'allkeys-lru', hz: 20 }, 'true', 'warm'));
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
