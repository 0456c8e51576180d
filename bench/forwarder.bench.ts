/**
 * The forwarder alone (dist/forwarder/index.mjs, `npm run build` first, run as its own process like the Deployment):
 * RedisOpsRequests in the local API server → messages on the halt queue of fauxqs. Two scenarios:
 * - backlog: N ops requests exist before the forwarder starts (its initial paged LIST), time from spawn to N sent;
 * - live: the forwarder is up and watching, N ops requests are created at once (concurrency 32), time from the first
 *   create to N sent (the API server's create rate alone is printed beside it: the forwarder cannot beat it).
 * Sent = the forwarder's own `forwarder_messages_sent_total` (/metrics), checked against the queue's message count.
 * RSS: the forwarder process's VmHWM (peak resident set) from /proc; CPU: its user + system time from /proc (a figure
 * that a loaded machine disturbs less than wall time). Loopback only; every wait is bounded.
 *
 * Run: `npx node bench/forwarder.bench.ts [N]` (default 10,000). FORWARDER_BENCH_BUNDLE=<file> runs another build of
 * the forwarder (e.g. a copy of the bundle before a change, for a before/after in one run).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { startKubeApiServer, type KubeApiServer } from '../infra/local/kube-apiserver/index.ts';
import { PROJECT_ROOT } from '../infra/local/serverless-config.ts';
import { OPS_GROUP, OPS_PLURAL, OPS_VERSION } from '../shared/kubedb/constants.ts';
import { createQueue, startSqs, type Sqs } from '../test/forwarder/harness.ts';

export interface Row {
  scenario: string;
  'ops requests': number;
  'events/s': number;
  'API creates/s': number | string;
  seconds: number;
  'peak RSS MB': number;
  /** Live only: resident set once started and synced, before the first create (the idle forwarder). */
  'idle RSS MB': number | string;
  'CPU s': number;
  'queue messages': number;
}

const BUNDLE = resolve(process.env.FORWARDER_BENCH_BUNDLE ?? resolve(PROJECT_ROOT, 'dist/forwarder/index.mjs'));
const CONCURRENCY = 32;
const DEADLINE_MS = 300_000;

function createOps(server: KubeApiServer, agent: Agent, namespace: string, name: string): Promise<void> {
  const body = JSON.stringify({
    apiVersion: `${OPS_GROUP}/${OPS_VERSION}`,
    kind: 'RedisOpsRequest',
    metadata: { name, namespace },
    spec: {
      type: 'Reconfigure',
      databaseRef: { name: 'sample-redis' },
      configuration: { applyConfig: { 'redis.conf': 'maxclients 2000\n' } },
    },
  });
  const path = `/apis/${OPS_GROUP}/${OPS_VERSION}/namespaces/${namespace}/${OPS_PLURAL}`;
  return new Promise((resolveCreate, reject) => {
    const req = request(
      server.url + path,
      {
        method: 'POST',
        agent,
        ca: server.caPem,
        headers: {
          authorization: `Bearer ${server.adminToken}`,
          'content-type': 'application/json',
          'content-length': body.length,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 201 ? resolveCreate() : reject(new Error(`create ${name}: ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function createMany(server: KubeApiServer, agent: Agent, namespace: string, n: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await createOps(server, agent, namespace, `rdops-${next++}`);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return n / ((performance.now() - started) / 1000);
}

interface Running {
  child: ChildProcess;
  metricsUrl: () => string | undefined;
  exited: Promise<number | null>;
}

function spawnForwarder(env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, [BUNDLE], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let url: string | undefined;
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    if (url !== undefined) return; // only the health server's address is needed; the rest is drained unread
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'health server listening') url = entry.url;
    }
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, metricsUrl: () => url, exited };
}

async function sentSoFar(f: Running): Promise<number> {
  const url = f.metricsUrl();
  if (url === undefined) return 0;
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^forwarder_messages_sent_total(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0);
}

/** Polls /metrics (bounded) until `n` messages are sent; returns the time they were seen. */
async function waitSent(f: Running, n: number): Promise<number> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    if ((await sentSoFar(f).catch(() => 0)) >= n) return performance.now();
    if (Date.now() > deadline) throw new Error(`the forwarder sent ${await sentSoFar(f)} of ${n} in time`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Polls /readyz (bounded) until the forwarder has listed and is watching. */
async function waitReady(f: Running, deadline: number): Promise<void> {
  for (;;) {
    const url = f.metricsUrl();
    if (
      url !== undefined &&
      (await fetch(`${url}/readyz`)
        .then((r) => r.ok)
        .catch(() => false))
    )
      return;
    if (Date.now() > deadline) throw new Error('the forwarder did not become ready in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The NODE_OPTIONS the shipped Deployment gives the forwarder (its V8 heap limit). */
async function deploymentNodeOptions(): Promise<string> {
  const yaml = await readFile(resolve(PROJECT_ROOT, 'infra/k8s/forwarder/base/deployment.yaml'), 'utf8');
  const value = /- name: NODE_OPTIONS\s+value: (.+)/.exec(yaml)?.[1]?.trim();
  if (value === undefined) throw new Error('deployment.yaml sets no NODE_OPTIONS');
  return value;
}

async function rssMb(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return Math.round(kb / 102.4) / 10;
}

/** User + system CPU seconds of a process so far (/proc/<pid>/stat fields 14 and 15, in clock ticks of 1/100 s). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Math.round(Number(fields[11]) + Number(fields[12])) / 100;
}

async function queueCount(sqs: Sqs, queueUrl: string): Promise<number> {
  const out = await sqs.client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
}

async function scenario(name: 'backlog' | 'live', n: number, dir: string): Promise<Row> {
  const server = await startKubeApiServer({ stateDir: join(dir, name), onError: () => {} });
  const sqs = await startSqs();
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let forwarder: Running | undefined;
  try {
    const namespace = 'default';
    const queueUrl = await createQueue(sqs, `halt-${name}`);
    const kubeconfig = join(dir, `${name}.kubeconfig`);
    await server.writeKubeconfig(kubeconfig);
    const env = {
      PATH: process.env.PATH,
      // As the Deployment runs it (infra/k8s/forwarder/base/deployment.yaml).
      NODE_OPTIONS: `${await deploymentNodeOptions()} ${process.env.FORWARDER_BENCH_NODE_OPTIONS ?? ''}`.trim(),
      CLUSTER_ID: 'bench',
      // fauxqs's QueueUrl host does not resolve here: the same queue through the emulator's loopback endpoint.
      HALT_QUEUE_URL: new URL(new URL(queueUrl).pathname, sqs.endpoint).href,
      RECOVER_QUEUE_URL: new URL(new URL(queueUrl).pathname, sqs.endpoint).href,
      KUBECONFIG: kubeconfig,
      HEALTH_PORT: '0',
      LEADER_ELECTION: 'false',
      // No periodic re-announcement during the run: each ops request is sent once, on its LIST or ADDED event.
      RESYNC_SECONDS: '3600',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    };
    let createRate: number | string = '-';
    let idleRss: number | string = '-';
    let started: number;
    if (name === 'backlog') {
      createRate = await createMany(server, agent, namespace, n);
      started = performance.now();
      forwarder = spawnForwarder(env);
    } else {
      forwarder = spawnForwarder(env);
      const running = forwarder;
      const deadline = Date.now() + 60_000;
      while (running.metricsUrl() === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await waitReady(running, deadline);
      idleRss = await rssMb(running.child.pid!, 'VmRSS');
      started = performance.now();
      createRate = await createMany(server, agent, namespace, n);
    }
    const done = await waitSent(forwarder, n);
    const seconds = (done - started) / 1000;
    return {
      scenario: name,
      'ops requests': n,
      'events/s': Math.round(n / seconds),
      'API creates/s': typeof createRate === 'number' ? Math.round(createRate) : createRate,
      seconds: Math.round(seconds * 100) / 100,
      'peak RSS MB': await rssMb(forwarder.child.pid!, 'VmHWM'),
      'idle RSS MB': idleRss,
      'CPU s': await cpuSeconds(forwarder.child.pid!),
      'queue messages': await queueCount(sqs, queueUrl),
    };
  } finally {
    if (forwarder !== undefined) {
      forwarder.child.kill('SIGTERM');
      await forwarder.exited;
    }
    agent.destroy();
    await sqs.stop();
    await server.stop();
  }
}

export async function run(n = 10_000): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), 'forwarder-bench-'));
  try {
    return [await scenario('backlog', n, dir), await scenario('live', n, dir)];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) console.table(await run(Number(process.argv[2] ?? 10_000)));
