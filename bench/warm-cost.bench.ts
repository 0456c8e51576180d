/**
 * The CPU of one warm invocation (issue 11/12): one local stack, one Standalone database, a warm-up Reconfigure
 * (every function's cold start), then `runs` live Reconfigures (`maxclients`: halt → apply-config CONFIG SET →
 * resume) and `restarts` with restart "true" (restart-pod's restart and its checks). Per function: warm invocations,
 * their thread CPU (the runner's `cpuMs`: the environment's own thread, user + system, while the handler ran) and
 * wall duration, p50/p95. With LAMBDA_RUNNER_CPU_PROFILE_DIR set, every invocation also leaves a CPU profile there
 * (read them with `npx node bench/warm-cost-profile.ts <dir>`).
 * Usage: npx node bench/warm-cost.bench.ts [runs] [restarts]   (default 10 2; `npm run build` first)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { applyObjects } from '../infra/local/manifests.ts';
import { followOpsRequest } from '../infra/local/ops-progress.ts';
import { startLocalStack } from '../infra/local/stack.ts';
import { createDatabase, reconfigure, waitDatabaseReady } from '../test/e2e/harness.ts';

type Row = Record<string, string | number>;

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
};
const one = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '-');

async function reconfigureOnce(kc: KubeConfig, name: string, conf: string, restart: boolean): Promise<void> {
  const ops = reconfigure('bench', name, 'rd', {
    applyConfig: { 'redis.conf': conf },
    ...(restart ? { restart: 'true' } : {}),
  });
  await applyObjects(kc, [ops] as never);
  const end = await followOpsRequest(kc, 'bench', name, () => undefined, { timeoutMs: 300_000 });
  if (end.status?.phase !== 'Successful') throw new Error(`${name} ended ${end.status?.phase}`);
  await waitDatabaseReady(kc, 'bench', 'rd');
}

export async function run(runs = 10, restarts = 2): Promise<Row[]> {
  const stateDir = await mkdtemp(join(tmpdir(), 'rr-bench-warm-'));
  const stack = await startLocalStack({ stateDir, resyncSeconds: 60 });
  try {
    const kc = stack.kubeConfig;
    await createDatabase(kc, 'bench', 'rd', 'maxclients 500\n');
    await waitDatabaseReady(kc, 'bench', 'rd');
    await reconfigureOnce(kc, 'warm-up', 'maxclients 501', true);
    const samples = new Map<string, { cpu: number[]; wall: number[] }>();
    const record = (e: { functionName: string; cpuMs?: number; durationMs: number; initDurationMs?: number }): void => {
      if (e.initDurationMs !== undefined || e.cpuMs === undefined) return; // cold starts are another benchmark's
      const s = samples.get(e.functionName) ?? { cpu: [], wall: [] };
      s.cpu.push(e.cpuMs);
      s.wall.push(e.durationMs);
      samples.set(e.functionName, s);
    };
    stack.runner?.on('invocation-end', record);
    const load = loadavg()[0] ?? 0;
    for (let i = 0; i < runs; i++) await reconfigureOnce(kc, `live-${i}`, `maxclients ${600 + i}`, false);
    for (let i = 0; i < restarts; i++) await reconfigureOnce(kc, `restart-${i}`, `maxclients ${700 + i}`, true);
    stack.runner?.off('invocation-end', record);
    const loadAfter = loadavg()[0] ?? 0;
    return [...samples].map(([fn, s]) => ({
      function: fn,
      'warm invocations': s.cpu.length,
      'CPU p50 ms': one(pct(s.cpu, 50)),
      'CPU p95 ms': one(pct(s.cpu, 95)),
      'wall p50 ms': one(pct(s.wall, 50)),
      'wall p95 ms': one(pct(s.wall, 95)),
      'load 1 min': `${load.toFixed(1)}–${loadAfter.toFixed(1)}`,
    }));
  } finally {
    await stack.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const [runs, restarts] = process.argv.slice(2).map(Number);
  console.table(await run(runs || undefined, restarts ?? undefined));
}
