/**
 * Reconfigure latency on the local stack: time from creating the ops request to Successful, split by step, next to
 * the floor — the pod's own eviction-to-Ready time, measured in the same run on the same databases.
 * Usage: npx node bench/reconfigure.bench.ts [databases...]   (default: 1 50)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { startLocalStack } from '../infra/local/stack.ts';
import { applyObjects } from '../infra/local/manifests.ts';
import { followOpsRequest } from '../infra/local/ops-progress.ts';
import { waitFor } from '../infra/local/wait.ts';
import type { RedisOpsRequest } from '../shared/kubedb/types.ts';
import { createDatabase, reconfigure, waitDatabaseReady } from '../test/e2e/harness.ts';

export interface Row {
  [column: string]: string | number;
}

const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};
const ms = (n: number): string => (Number.isFinite(n) ? `${Math.round(n)}` : '-');

async function evictionToReady(kc: KubeConfig, ns: string, pod: string): Promise<number> {
  const core = kc.makeApiClient(CoreV1Api);
  const before = (await core.readNamespacedPod({ namespace: ns, name: pod })).metadata?.uid;
  const t0 = performance.now();
  await core.createNamespacedPodEviction({
    namespace: ns,
    name: pod,
    body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace: ns } },
  });
  await waitFor(
    `${ns}/${pod} back`,
    async () => {
      const p = await core.readNamespacedPod({ namespace: ns, name: pod });
      const ready = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      return p.metadata?.uid !== before && ready === true ? true : undefined;
    },
    { intervalMs: 10, timeoutMs: 60_000 },
  );
  return performance.now() - t0;
}

function stepDurations(ops: RedisOpsRequest): Record<string, number> {
  const at = (type: string) =>
    Date.parse(ops.status?.conditions?.find((c) => c.type.startsWith(type))?.lastTransitionTime ?? 'x');
  const created = Date.parse(ops.metadata.creationTimestamp ?? 'x');
  return {
    total: at('Successful') - created,
    halt: at('DatabasePauseSucceeded') - created,
    applyConfig: at('UpdatePetSets') - at('DatabasePauseSucceeded'),
    restart: at('RestartPods') - at('UpdatePetSets'),
    resume: at('Successful') - at('RestartPods'),
  };
}

export async function runOnce(databases: number): Promise<Row> {
  const stateDir = await mkdtemp(join(tmpdir(), 'rr-bench-'));
  const stack = await startLocalStack({ stateDir, concurrency: 4 });
  try {
    const kc = stack.kubeConfig;
    const ns = 'bench';
    const names = Array.from({ length: databases }, (_, i) => `db${i}`);
    for (const name of names) await createDatabase(kc, ns, name, 'maxclients 500\n');
    await Promise.all(names.map((n) => waitDatabaseReady(kc, ns, n)));
    const floors = await Promise.all(names.map((n) => evictionToReady(kc, ns, `${n}-0`)));
    await Promise.all(names.map((n) => waitDatabaseReady(kc, ns, n)));
    const requests = names.map((n) =>
      reconfigure(ns, `${n}-ops`, n, { applyConfig: { 'redis.conf': 'maxclients 900' } }),
    );
    await applyObjects(kc, requests);
    const results = await Promise.all(
      requests.map((r) => followOpsRequest(kc, ns, r.metadata.name, () => undefined, { timeoutMs: 600_000 })),
    );
    const failed = results.filter((r) => r.status?.phase !== 'Successful').length;
    const d = results.map(stepDurations);
    const col = (k: string) => d.map((x) => x[k] as number);
    return {
      databases,
      failed: failed,
      'total p50 ms': ms(pct(col('total'), 50)),
      'total p95 ms': ms(pct(col('total'), 95)),
      'halt p50': ms(pct(col('halt'), 50)),
      'apply-config p50': ms(pct(col('applyConfig'), 50)),
      'restart p50': ms(pct(col('restart'), 50)),
      'resume p50': ms(pct(col('resume'), 50)),
      'floor (evict→Ready) p50': ms(pct(floors, 50)),
      'overhead p50 ms': ms(pct(col('total'), 50) - pct(floors, 50)),
    };
  } finally {
    await stack.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

export async function run(sizes: number[] = [1, 50]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const n of sizes) rows.push(await runOnce(n));
  return rows;
}

if (import.meta.main) {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  run(sizes.length > 0 ? sizes : undefined).then(
    (rows) => console.table(rows),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
