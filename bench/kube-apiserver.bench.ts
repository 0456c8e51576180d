/**
 * Local Kubernetes API server benchmark (bounded: a few seconds). Over HTTPS with keep-alive, on loopback:
 * creates, merge patches fanned out to 100 watchers, lists, and the server's RSS (server and clients share the
 * process, so the RSS includes the clients). Run: `npx node bench/kube-apiserver.bench.ts`.
 */
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { startKubeApiServer, type KubeApiServer } from '../infra/local/kube-apiserver/index.ts';

export interface Row {
  scenario: string;
  ops: number;
  'ops/s': number;
  'p50 ms': number;
  'p99 ms': number;
  note: string;
}

const OBJECTS = 10_000;
const PATCHES = 2_000;
const WATCHERS = 100;
const CONCURRENCY = 64;

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 100) / 100;
}

function call(
  s: KubeApiServer,
  agent: Agent,
  method: string,
  path: string,
  body: unknown,
  contentType = 'application/json',
): Promise<number> {
  const payload = body === undefined ? '' : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      s.url + path,
      {
        method,
        agent,
        ca: s.caPem,
        headers: {
          authorization: `Bearer ${s.adminToken}`,
          'content-type': contentType,
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode && res.statusCode < 300
            ? resolve(res.statusCode)
            : reject(new Error(`${method} ${path}: ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function timed(n: number, op: (i: number) => Promise<unknown>): Promise<{ secs: number; lat: number[] }> {
  const lat: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        const i = next++;
        const t0 = performance.now();
        await op(i);
        lat.push(performance.now() - t0);
      }
    }),
  );
  return { secs: (performance.now() - start) / 1000, lat: lat.sort((a, b) => a - b) };
}

function row(scenario: string, ops: number, r: { secs: number; lat: number[] }, note = ''): Row {
  return { scenario, ops, 'ops/s': Math.round(ops / r.secs), 'p50 ms': pct(r.lat, 50), 'p99 ms': pct(r.lat, 99), note };
}

function openWatchers(
  s: KubeApiServer,
  agent: Agent,
  delays: number[],
  sent: Map<string, number>,
): Promise<(() => void)[]> {
  return Promise.all(
    Array.from(
      { length: WATCHERS },
      () =>
        new Promise<() => void>((resolve, reject) => {
          const req = request(
            `${s.url}/api/v1/namespaces/bench/configmaps?watch=1`,
            { agent, ca: s.caPem, headers: { authorization: `Bearer ${s.adminToken}` } },
            (res) => {
              let buf = '';
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => {
                buf += chunk;
                let i;
                while ((i = buf.indexOf('\n')) >= 0) {
                  const line = buf.slice(0, i);
                  buf = buf.slice(i + 1);
                  // Only patch events carry a "seq" marker; find it without parsing the whole object.
                  const m = /"seq":"(\d+)"/.exec(line);
                  const t0 = m ? sent.get(m[1]!) : undefined;
                  if (t0 !== undefined) delays.push(performance.now() - t0);
                }
              });
              res.on('error', () => undefined); // closed by the benchmark at the end
              resolve(() => req.destroy());
            },
          );
          req.on('error', (err) => (err.message === 'socket hang up' ? undefined : reject(err)));
          req.end();
        }),
    ),
  );
}

export async function run(): Promise<Row[]> {
  const s = await startKubeApiServer({ bookmarkIntervalMs: 60_000 });
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const watchAgent = new Agent({ keepAlive: true, maxSockets: WATCHERS + 1 });
  const rows: Row[] = [];
  try {
    await call(s, agent, 'POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });
    const created = await timed(OBJECTS, (i) =>
      call(s, agent, 'POST', '/api/v1/namespaces/bench/configmaps', {
        metadata: { name: `cm-${i}`, labels: { i: String(i % 10) } },
        data: { v: 'x'.repeat(200) },
      }),
    );
    rows.push(row('create ConfigMap', OBJECTS, created, `${CONCURRENCY} concurrent, keep-alive`));
    const rd = await timed(2_000, (i) =>
      call(s, agent, 'POST', '/apis/kubedb.com/v1/namespaces/bench/redises', {
        apiVersion: 'kubedb.com/v1',
        kind: 'Redis',
        metadata: { name: `rd-${i}` },
        spec: { version: '7.2.4', mode: 'Cluster', cluster: { shards: 3, replicas: 1 }, storageType: 'Ephemeral' },
      }),
    );
    rows.push(row('create Redis (CRD schema + defaults)', 2_000, rd));

    const delays: number[] = [];
    const sent = new Map<string, number>();
    const closers = await openWatchers(s, watchAgent, delays, sent);
    const patched = await timed(PATCHES, (i) => {
      sent.set(String(i), performance.now());
      return call(
        s,
        agent,
        'PATCH',
        `/api/v1/namespaces/bench/configmaps/cm-${i % OBJECTS}`,
        { data: { seq: String(i) } },
        'application/merge-patch+json',
      );
    });
    rows.push(row(`merge patch, ${WATCHERS} watchers`, PATCHES, patched));
    const deadline = Date.now() + 10_000;
    while (delays.length < PATCHES * WATCHERS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const d = delays.sort((a, b) => a - b);
    rows.push({
      scenario: 'watch fan-out delay',
      ops: d.length,
      'ops/s': 0,
      'p50 ms': pct(d, 50),
      'p99 ms': pct(d, 99),
      note: `events delivered of ${PATCHES * WATCHERS} (patch sent → watcher line)`,
    });
    for (const c of closers) c();

    const listed = await timed(20, () => call(s, agent, 'GET', '/api/v1/namespaces/bench/configmaps', undefined));
    rows.push(row(`list ${OBJECTS} ConfigMaps`, 20, listed));
    const selected = await timed(200, () =>
      call(s, agent, 'GET', '/api/v1/namespaces/bench/configmaps?labelSelector=i%3D3&limit=100', undefined),
    );
    rows.push(row('list with labelSelector + limit 100', 200, selected));
    rows.push({
      scenario: 'RSS after run',
      ops: 0,
      'ops/s': 0,
      'p50 ms': 0,
      'p99 ms': 0,
      note: `${Math.round(process.memoryUsage().rss / 1024 / 1024)} MiB (server + clients)`,
    });
  } finally {
    agent.destroy();
    watchAgent.destroy();
    await s.stop();
  }
  return rows;
}

if (import.meta.main) console.table(await run());
