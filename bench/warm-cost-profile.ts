/**
 * Reads the per-invocation CPU profiles the runner writes with LAMBDA_RUNNER_CPU_PROFILE_DIR (bench/warm-cost.bench.ts)
 * and attributes each sample's self time, through the bundle's source map, to where the code came from: a package
 * under node_modules, our own directory (shared/<dir>, functions), Node's internals, or V8's (GC, program). Warm
 * invocations only: the first profile of each environment is skipped (it carries the first connection's set-up).
 * Samples are wall-clock ticks of a running thread, so on a loaded machine the milliseconds overstate CPU: read the
 * shares. Usage: npx node bench/warm-cost-profile.ts <dir> [top rows per function] [raw = by package, not grouped]
 */
import { readdir, readFile } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../infra/local/serverless-config.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const maps = new Map<string, SourceMap>();
async function sourceMapOf(url: string): Promise<SourceMap | undefined> {
  if (!url.startsWith('file://') || !url.endsWith('.mjs')) return undefined; // bundles only; the runner has no map
  const path = `${new URL(url).pathname}.map`;
  if (!maps.has(path)) maps.set(path, new SourceMap(JSON.parse(await readFile(path, 'utf8')) as never));
  return maps.get(path);
}

/** A package name, `ours:<dir>`, `node:<module>` or V8's own bucket, for one call frame. */
async function originOf(frame: ProfileNode['callFrame']): Promise<string> {
  if (frame.url === '') return frame.functionName.startsWith('(') ? frame.functionName : `native ${frame.functionName}`;
  if (frame.url.startsWith('node:')) return frame.url.split('/').slice(0, 2).join('/');
  const map = await sourceMapOf(frame.url);
  const source = map?.findEntry(frame.lineNumber, frame.columnNumber);
  const file = source && 'originalSource' in source ? source.originalSource : frame.url;
  const modules = file.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = file.slice(modules + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? file);
  }
  const ours = /(?:^|\/)((?:shared\/adapters|shared|functions|infra)\/[^/]+)/.exec(file);
  return ours ? `ours: ${ours[1]}` : file;
}

/** Origins grouped by what the brief asks about (the kube client, the SDK sends, Redis, parsing, logging, sockets). */
const CATEGORIES: Array<[RegExp, string]> = [
  [/^node:inspector$/, 'profiler itself (not counted)'],
  [
    /^@smithy\/|^@aws-sdk\/|^@aws-crypto\/|^fast-xml-parser$|^ours: shared\/adapters\/(queue|events)/,
    'AWS SDK: SQS send / SNS publish',
  ],
  [/^@kubernetes\/|^ours: shared\/adapters\/kube|^jsonpath|^js-yaml$/, 'Kubernetes client (kube-rest, KubeConfig)'],
  [
    /^ioredis$|^redis-parser$|^@ioredis\/|^denque$|^cluster-key-slot$|^standard-as-callback$|^ours: shared\/adapters\/redis/,
    'ioredis (connect, AUTH, command)',
  ],
  [/^zod$/, 'zod parses'],
  [/^@middy\/|^ours: shared\/(handler|logging|observability)/, 'handler wrapper: middy, logging, EMF, tracing'],
  [/^ours: /, 'our step logic and messages'],
  [
    /^node:(_http|https|http|net|tls|_tls|dns|internal\/(streams|stream_base|net|http|tls|dns|url))|^native (write|connect|read|onStreamRead|writev|getaddrinfo)/,
    'Node HTTP / TCP / TLS',
  ],
  [/^\(garbage collector\)$/, 'GC'],
];
const categoryOf = (origin: string): string => CATEGORIES.find(([re]) => re.test(origin))?.[1] ?? `other (${origin})`;

async function selfTimeByOrigin(profile: Profile, grouped: boolean): Promise<Map<string, number>> {
  const origin = new Map<number, string>();
  for (const node of profile.nodes) origin.set(node.id, await originOf(node.callFrame));
  const byOrigin = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const key = grouped ? categoryOf(origin.get(id) ?? '?') : (origin.get(id) ?? '?');
    byOrigin.set(key, (byOrigin.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  // Waiting on I/O is wall time, not CPU; the inspector's frames are the profiler's own overhead.
  for (const key of ['(idle)', 'other ((idle))', 'node:inspector', 'profiler itself (not counted)'])
    byOrigin.delete(key);
  return byOrigin;
}

async function breakdown(dir: string, top = 12, grouped = true): Promise<Array<Record<string, string | number>>> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile') && !f.endsWith('-1.cpuprofile'));
  const perFunction = new Map<string, { n: number; ms: Map<string, number> }>();
  for (const file of files) {
    const fn = /^redis-reconfigure-[a-z]+-(.+)-[0-9a-f]{8}-\d+\.cpuprofile$/.exec(file)?.[1] ?? file;
    const entry = perFunction.get(fn) ?? { n: 0, ms: new Map<string, number>() };
    entry.n++;
    const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as Profile;
    for (const [k, v] of await selfTimeByOrigin(profile, grouped)) entry.ms.set(k, (entry.ms.get(k) ?? 0) + v);
    perFunction.set(fn, entry);
  }
  const rows: Array<Record<string, string | number>> = [];
  for (const [fn, { n, ms }] of perFunction) {
    const total = [...ms.values()].reduce((a, b) => a + b, 0);
    rows.push({
      function: fn,
      origin: '(all sampled, ms per invocation)',
      ms: (total / n).toFixed(1),
      share: '100%',
      n,
    });
    for (const [k, v] of [...ms].sort((a, b) => b[1] - a[1]).slice(0, top))
      rows.push({ function: fn, origin: k, ms: (v / n).toFixed(2), share: `${((100 * v) / total).toFixed(0)}%`, n });
  }
  return rows;
}

if (import.meta.main) {
  const [dir, top, raw] = process.argv.slice(2);
  const rows = await breakdown(
    resolve(dir ?? join(PROJECT_ROOT, '.local', 'profiles')),
    Number(top) || undefined,
    raw !== 'raw',
  );
  console.table(rows);
}
