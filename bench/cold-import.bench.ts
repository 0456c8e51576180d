/**
 * Cold import of each built bundle (dist/<name>/index.mjs, `npm run build` first): what a Lambda cold start pays
 * before the first invocation, beyond Node's own start-up. Each sample is a fresh `node` process; bundles and the
 * `node -e 0` baseline are interleaved round by round so that machine load hits them alike.
 *
 * Per bundle: its size, the time `await import()` takes inside the process (performance.now around it; and the CPU
 * time it used, process.cpuUsage, which a loaded machine distorts less than wall time), and the
 * whole process's wall time minus the baseline's median (spawn → exit: import + Node's own start and teardown).
 * The Lambda bundles import `@aws-sdk/client-sqs` etc. from node_modules here, as the Lambda runtime provides them:
 * their load is part of the measured time, as it is of a real cold start.
 *
 * Run: `npx node bench/cold-import.bench.ts [runs] [distDir]` (default 15 runs of ./dist).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../infra/local/serverless-config.ts';

export interface Row {
  bundle: string;
  KB: number;
  'import p50 ms': number;
  'import p95 ms': number;
  'import CPU p50 ms': number;
  'process p50 ms': number;
  'process p95 ms': number;
  'over node -e 0 p50 ms': number;
}

/** What the functions validate at cold start (shared/handler/env.ts); nothing is contacted at import. */
const FUNCTION_ENV = {
  QUEUE_URL_HALT: 'http://127.0.0.1:1/000000000000/halt',
  QUEUE_URL_APPLY_CONFIG: 'http://127.0.0.1:1/000000000000/apply-config',
  QUEUE_URL_RESTART_POD: 'http://127.0.0.1:1/000000000000/restart-pod',
  QUEUE_URL_RESUME: 'http://127.0.0.1:1/000000000000/resume',
  QUEUE_URL_ROLLOUT: 'http://127.0.0.1:1/000000000000/rollout',
  AWS_REGION: 'eu-west-1',
};

const NODE = process.execPath;

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const at = sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return Math.round(at * 10) / 10;
}

/** One fresh process: wall time spawn → exit, and the in-process import time it prints (undefined for `-e 0`). */
function sample(file: string | undefined): Promise<{ wallMs: number; importMs: number; cpuMs: number }> {
  const script =
    file === undefined
      ? '0'
      : `const c = process.cpuUsage(); const t = performance.now(); ` +
        `await import(${JSON.stringify(pathToFileURL(file).href)}); const u = process.cpuUsage(c); ` +
        `process.stdout.write(JSON.stringify([performance.now() - t, (u.user + u.system) / 1000]));`;
  const args = file === undefined ? ['-e', script] : ['--input-type=module', '-e', script];
  const started = performance.now();
  return new Promise((resolveSample, reject) => {
    const child = spawn(NODE, args, { env: { ...process.env, ...FUNCTION_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) reject(new Error(`importing ${file ?? '(node -e 0)'} exited ${code}: ${err.slice(0, 500)}`));
      else {
        const [importMs, cpuMs] = file === undefined ? [0, 0] : (JSON.parse(out) as [number, number]);
        resolveSample({ wallMs, importMs, cpuMs });
      }
    });
  });
}

export function bundlesIn(dist: string): Array<{ bundle: string; file: string; bytes: number }> {
  return readdirSync(dist)
    .map((bundle) => ({ bundle, file: join(dist, bundle, 'index.mjs') }))
    .filter(({ file }) => existsSync(file))
    .map((b) => ({ ...b, bytes: statSync(b.file).size }))
    .sort((a, b) => a.bundle.localeCompare(b.bundle));
}

export async function run(runs = 15, dist = resolve(PROJECT_ROOT, 'dist')): Promise<Row[]> {
  const bundles = bundlesIn(dist);
  if (bundles.length === 0) throw new Error(`no bundles in ${dist}: run npm run build first`);
  const baseline: number[] = [];
  const wall = new Map<string, number[]>(bundles.map((b) => [b.bundle, []]));
  const imports = new Map<string, number[]>(bundles.map((b) => [b.bundle, []]));
  const cpu = new Map<string, number[]>(bundles.map((b) => [b.bundle, []]));
  // One warm-up round (page cache, V8 code cache of node itself), not counted.
  for (const b of bundles) await sample(b.file);
  for (let round = 0; round < runs; round++) {
    baseline.push((await sample(undefined)).wallMs);
    for (const b of bundles) {
      const s = await sample(b.file);
      wall.get(b.bundle)!.push(s.wallMs);
      imports.get(b.bundle)!.push(s.importMs);
      cpu.get(b.bundle)!.push(s.cpuMs);
    }
  }
  const base = pct(baseline, 50);
  const rows: Row[] = bundles.map((b) => ({
    bundle: b.bundle,
    KB: Math.round(b.bytes / 102.4) / 10,
    'import p50 ms': pct(imports.get(b.bundle)!, 50),
    'import p95 ms': pct(imports.get(b.bundle)!, 95),
    'import CPU p50 ms': pct(cpu.get(b.bundle)!, 50),
    'process p50 ms': pct(wall.get(b.bundle)!, 50),
    'process p95 ms': pct(wall.get(b.bundle)!, 95),
    'over node -e 0 p50 ms': Math.round((pct(wall.get(b.bundle)!, 50) - base) * 10) / 10,
  }));
  rows.push({
    bundle: '(node -e 0)',
    KB: 0,
    'import p50 ms': 0,
    'import p95 ms': 0,
    'import CPU p50 ms': 0,
    'process p50 ms': base,
    'process p95 ms': pct(baseline, 95),
    'over node -e 0 p50 ms': 0,
  });
  return rows;
}

if (import.meta.main) {
  const runs = Number(process.argv[2] ?? 15);
  console.table(await run(runs, process.argv[3] === undefined ? undefined : resolve(process.argv[3])));
}
