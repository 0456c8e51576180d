/**
 * P1 (issue 11): one Standalone database, a pod that takes 5 s to start (image pull + container start, the kubelet's
 * --pod-start-delay) and one that takes 0 s. Per start delay, in one local stack:
 * - floor: the pod's own eviction → Ready time (evicted by hand, same stack, same database);
 * - total: ops request created → `Successful` (its condition's time), a Reconfigure with `restart: "true"` so the pod
 *   is restarted as in the floor; and each step's share (halt, apply-config, restart, resume) from the conditions;
 * - queue hops: each step message's SQS SentTimestamp → the invocation that got it starting (the Lambda runner's
 *   events): hand-offs, announcements and wake-ups; messages that waited out a DelaySeconds are counted apart.
 * Goal: total ≤ 1.10 × floor at 5 s; hop p50 ≤ 25 ms.
 *
 * Run: `npx node bench/p1.bench.ts [runs]` (default 3 reconfigures per start delay; `npm run build` first).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { applyObjects } from '../infra/local/manifests.ts';
import { followOpsRequest } from '../infra/local/ops-progress.ts';
import { startLocalStack } from '../infra/local/stack.ts';
import { waitFor } from '../infra/local/wait.ts';
import type { RedisOpsRequest } from '../shared/kubedb/types.ts';
import { createDatabase, reconfigure, waitDatabaseReady } from '../test/e2e/harness.ts';

export interface Row {
  [column: string]: string | number;
}

const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
};
const ms = (n: number): number | string => (Number.isFinite(n) ? Math.round(n) : '-');

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
    { intervalMs: 5, timeoutMs: 60_000 },
  );
  return performance.now() - t0;
}

function steps(ops: RedisOpsRequest, createdAt: number): Record<string, number> {
  const at = (type: string) =>
    Date.parse(ops.status?.conditions?.find((c) => c.type === type)?.lastTransitionTime ?? 'x');
  return {
    total: at('Successful') - createdAt,
    halt: at('DatabasePauseSucceeded') - createdAt,
    applyConfig: at('UpdatePetSets') - at('DatabasePauseSucceeded'),
    restart: at('RestartPods') - at('UpdatePetSets'),
    resume: at('Successful') - at('RestartPods'),
  };
}

const STEP_FUNCTIONS = new Set(['halt', 'apply-config', 'restart-pod', 'resume']);
/** A hop this long waited out a DelaySeconds (whole seconds, ≥ 1): a delayed look, not a hand-off or a wake-up. */
const DELAYED_MS = 900;

async function measure(podStartDelayMs: number, runs: number): Promise<Row> {
  const stateDir = await mkdtemp(join(tmpdir(), 'rr-p1-'));
  const stack = await startLocalStack({ stateDir, podStartDelayMs, resyncSeconds: 60 });
  try {
    const kc = stack.kubeConfig;
    const ns = 'p1';
    await createDatabase(kc, ns, 'rd', 'maxclients 500\n');
    await waitDatabaseReady(kc, ns, 'rd');
    // Queue hops: each step record's SQS SentTimestamp → its invocation start (the runner runs in this process, on
    // the same clock). A record that waited out a DelaySeconds (a delayed look, ≥ 1 s) is counted apart.
    let recording = false;
    const hops: number[] = [];
    const byStep = new Map<string, number[]>();
    let delayed = 0;
    stack.runner?.on('invocation-start', (e) => {
      if (!recording || !STEP_FUNCTIONS.has(e.functionName)) return;
      const now = Date.now();
      for (const sent of e.sentTimestamps) {
        const hop = now - sent;
        if (hop >= DELAYED_MS) {
          delayed++;
          continue;
        }
        hops.push(hop);
        byStep.set(e.functionName, [...(byStep.get(e.functionName) ?? []), hop]);
      }
    });
    const floors: number[] = [];
    const results: Array<Record<string, number>> = [];
    for (let i = 0; i < runs; i++) {
      floors.push(await evictionToReady(kc, ns, 'rd-0'));
      await waitDatabaseReady(kc, ns, 'rd');
      const ops = reconfigure(ns, `p1-${i}`, 'rd', {
        applyConfig: { 'redis.conf': `maxclients ${1000 + i}` },
        restart: 'true',
      });
      recording = true;
      const createdAt = Date.now();
      await applyObjects(kc, [ops] as never);
      const done = await followOpsRequest(kc, ns, ops.metadata.name, () => undefined, { timeoutMs: 120_000 });
      recording = false;
      if (done.status?.phase !== 'Successful') throw new Error(`p1-${i}: ${JSON.stringify(done.status)}`);
      results.push(steps(done, createdAt));
      await waitDatabaseReady(kc, ns, 'rd');
    }
    const col = (k: string) => results.map((r) => r[k] as number);
    const total = pct(col('total'), 50);
    const floor = pct(floors, 50);
    return {
      'pod start': `${podStartDelayMs / 1000} s`,
      runs,
      'floor p50 ms': ms(floor),
      'total p50 ms': ms(total),
      'total p95 ms': ms(pct(col('total'), 95)),
      'total / floor': Math.round((total / floor) * 100) / 100,
      'halt p50': ms(pct(col('halt'), 50)),
      'apply-config p50': ms(pct(col('applyConfig'), 50)),
      'restart p50': ms(pct(col('restart'), 50)),
      'resume p50': ms(pct(col('resume'), 50)),
      hops: hops.length,
      'hop p50 ms': ms(pct(hops, 50)),
      'hop p95 ms': ms(pct(hops, 95)),
      'hop p50 by queue': [...byStep].map(([fn, xs]) => `${fn} ${ms(pct(xs, 50))} (${xs.length})`).join(', '),
      'delayed looks': delayed,
    };
  } finally {
    await stack.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

export async function run(runs = 3): Promise<Row[]> {
  return [await measure(5000, runs), await measure(0, runs)];
}

if (import.meta.main) console.table(await run(Number(process.argv[2] ?? 3)));
