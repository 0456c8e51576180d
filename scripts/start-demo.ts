/**
 * The demo `npm start` runs (scripts/start.ts checks the command line and builds first): the whole local stack,
 * KubeDB's sample Redis, and the documented ops requests in turn, each checked with CONFIG GET on the pod; then, for
 * each topology shown, a live apply (docs/adr/0011-live-apply.md): `redis-reconfigure plan -f` first, then the ops
 * request, then proof that no pod was restarted and that every pod runs the new value.
 */
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { startLocalStack } from '../infra/local/stack.ts';
import { applyFile } from '../infra/local/manifests.ts';
import { followOpsRequest, formatProgress } from '../infra/local/ops-progress.ts';
import { configGetOnPod } from '../infra/local/redis-query.ts';
import { waitFor } from '../infra/local/wait.ts';
import { afterReadyLine, watchPodReadiness, type PodReadyClock } from '../infra/local/pod-ready-clock.ts';
import { PROJECT_ROOT } from '../infra/local/serverless-config.ts';
import { run as runCli } from '../cli/main.ts';
import { traceIdFor } from '../shared/observability/trace-context.ts';

const examples = join(PROJECT_ROOT, 'examples/reconfigure');
const flows = [
  {
    title: 'Replace the config secret (configSecret: new-custom-config → maxclients 2000)',
    files: ['10-new-custom-config.yaml', '11-rdops-reconfigure.yaml'],
    name: 'rdops-reconfigure',
    expect: '2000',
  },
  {
    title: 'Merge applyConfig (maxclients 3000)',
    files: ['12-rdops-apply-reconfig.yaml'],
    name: 'rdops-apply-reconfig',
    expect: '3000',
  },
  {
    title: 'Remove the custom config (removeCustomConfig → default 10000)',
    files: ['13-rdops-remove-config.yaml'],
    name: 'rdops-remove-config',
    expect: '10000',
  },
  {
    title: 'Restart the pod as KubeDB does (restart: "true", applyConfig maxclients 4000)',
    files: ['15-rdops-restart.yaml'],
    name: 'rdops-restart',
    expect: '4000',
  },
];

/** The demo's state, relative to the project root (where `npm start` runs): function logs in `<it>/logs`. */
const STATE_DIR = '.local/start';

export async function runDemo(options: { cluster: boolean; sentinel: boolean }): Promise<number> {
  const stateDir = join(PROJECT_ROOT, STATE_DIR);
  console.log(
    'Starting the local stack (Kubernetes API, controllers, kubelet with real redis-server, SQS, Lambda runner, forwarder)...',
  );
  const t0 = Date.now();
  const stack = await startLocalStack({ stateDir, fresh: true });
  console.log(`  up in ${Date.now() - t0} ms — kubeconfig: ${stack.kubeconfigPath}; logs: ${join(stateDir, 'logs')}\n`);
  let failures = 0;
  const kc = stack.kubeConfig;
  const live = (dir: string, db: string, file: string) => liveDemo(kc, stack.kubeconfigPath, { dir, db, file });
  try {
    failures += await standaloneDemo(kc);
    failures += await live('reconfigure', 'sample-redis', '14-rdops-live-apply.yaml');
    if (options.cluster) {
      failures += await topologyDemo(
        kc,
        'cluster',
        'redis-cluster',
        ['00-namespace.yaml', '01-redis-cluster.yaml'],
        'rdops-cluster-reconfigure',
      );
      failures += await live('cluster', 'redis-cluster', '11-rdops-cluster-live-apply.yaml');
    }
    if (options.sentinel) {
      failures += await topologyDemo(
        kc,
        'sentinel',
        'rd-demo',
        ['00-namespace.yaml', '01-sentinel.yaml', '02-redis.yaml'],
        'rdops-sentinel-reconfigure',
      );
      failures += await live('sentinel', 'rd-demo', '11-rdops-sentinel-live-apply.yaml');
    }
  } finally {
    await stack.stop();
  }
  console.log(
    failures === 0
      ? 'All documented flows and live applies ended Successful with the expected value on the pods.'
      : `${failures} flow(s) did not give the documented outcome.`,
  );
  return failures === 0 ? 0 : 1;
}

async function waitRedisReady(kc: KubeConfig, name: string, timeoutMs: number): Promise<void> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  await waitFor(
    `Redis demo/${name} to be Ready`,
    async () => {
      const rd = (await custom.getNamespacedCustomObject({
        group: 'kubedb.com',
        version: 'v1',
        plural: 'redises',
        namespace: 'demo',
        name,
      })) as { status?: { phase?: string } };
      return rd.status?.phase === 'Ready' ? true : undefined;
    },
    { timeoutMs },
  );
}

/** KubeDB's sample Redis and the three documented flows, each checked with CONFIG GET on the pod. */
async function standaloneDemo(kc: KubeConfig): Promise<number> {
  for (const f of ['00-namespace.yaml', '01-rd-custom-config.yaml', '02-sample-redis.yaml'])
    await applyFile(kc, join(examples, f));
  console.log(
    'Created namespace demo, secret rd-custom-config (maxclients 500) and Redis demo/sample-redis; waiting for Ready...',
  );
  await waitRedisReady(kc, 'sample-redis', 120_000);
  console.log(
    `  Ready. CONFIG GET maxclients on demo/sample-redis-0 → ${await configGetOnPod(kc, 'demo', 'sample-redis-0', 'sample-redis', 'maxclients')}\n`,
  );
  let failures = 0;
  const clock = await watchPodReadiness(kc, 'demo', 'sample-redis');
  try {
    for (const flow of flows) failures += await standaloneFlow(kc, clock, flow);
  } finally {
    await clock.stop();
  }
  return failures;
}

async function standaloneFlow(kc: KubeConfig, clock: PodReadyClock, flow: (typeof flows)[number]): Promise<number> {
  console.log(`== ${flow.title}`);
  const started = Date.now();
  for (const f of flow.files) await applyFile(kc, join(examples, f));
  const ops = await followOpsRequest(kc, 'demo', flow.name, (line) => console.log(formatProgress(line)), {
    timeoutMs: 300_000,
  });
  const finishedAt = Date.now();
  const value = await configGetOnPod(kc, 'demo', 'sample-redis-0', 'sample-redis', 'maxclients');
  const ok = ops.status?.phase === 'Successful' && value === flow.expect;
  console.log(
    `  → ${flow.name}: ${ops.status?.phase} in ${((finishedAt - started) / 1000).toFixed(1)} s; CONFIG GET maxclients → ${value} (expected ${flow.expect}) ${ok ? '✔' : '✘'}`,
  );
  console.log(`    ${afterReadyLine(clock, started, finishedAt, ops.status?.phase ?? '')}`);
  // One trace per ops request (docs/operations.md): its id follows the run through every function's log.
  console.log(`    its log lines: grep ${traceIdFor(ops.metadata.uid ?? '')} ${STATE_DIR}/logs/*.log\n`);
  return ok ? 0 : 1;
}

/** Create a topology from KubeDB's example, reconfigure it, and read maxclients back from every pod. */
async function topologyDemo(
  kc: KubeConfig,
  dir: string,
  db: string,
  files: string[],
  opsName: string,
): Promise<number> {
  console.log(
    `== ${dir === 'cluster' ? 'Redis Cluster' : 'Sentinel'} (examples/${dir}/): creating ${db} and waiting for Ready...`,
  );
  for (const f of files) await applyFile(kc, join(PROJECT_ROOT, 'examples', dir, f));
  await waitRedisReady(kc, db, 180_000);
  const clock = await watchPodReadiness(kc, 'demo', db);
  const started = Date.now();
  let ops, finishedAt;
  try {
    await applyFile(kc, join(PROJECT_ROOT, 'examples', dir, `10-${opsName}.yaml`));
    ops = await followOpsRequest(kc, 'demo', opsName, (line) => console.log(formatProgress(line)), {
      timeoutMs: 600_000,
    });
    finishedAt = Date.now();
  } finally {
    await clock.stop();
  }
  const pods = await kc
    .makeApiClient(CoreV1Api)
    .listNamespacedPod({ namespace: 'demo', labelSelector: `app.kubernetes.io/instance=${db}` });
  let wrong = 0;
  for (const pod of pods.items.map((p) => p.metadata?.name ?? '').sort()) {
    const value = await configGetOnPod(kc, 'demo', pod, db, 'maxclients');
    if (value !== '3000') wrong++;
    console.log(`  CONFIG GET maxclients on ${pod} → ${value}`);
  }
  const ok = ops.status?.phase === 'Successful' && wrong === 0;
  console.log(
    `  → ${opsName}: ${ops.status?.phase} in ${((finishedAt - started) / 1000).toFixed(1)} s ${ok ? '✔' : '✘'}`,
  );
  console.log(`    ${afterReadyLine(clock, started, finishedAt, ops.status?.phase ?? '')}\n`);
  return ok ? 0 : 1;
}

async function podUids(kc: KubeConfig, db: string): Promise<Map<string, string>> {
  const pods = await kc
    .makeApiClient(CoreV1Api)
    .listNamespacedPod({ namespace: 'demo', labelSelector: `app.kubernetes.io/instance=${db}` });
  const entries = pods.items.map((p): [string, string] => [p.metadata?.name ?? '', p.metadata?.uid ?? '']);
  return new Map(entries.sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * A live apply as a user runs it: `redis-reconfigure plan -f` (printed as it prints), then the ops request, then
 * the pods' uids (none recreated) and `CONFIG GET maxmemory-policy` on every pod.
 */
async function liveDemo(
  kc: KubeConfig,
  kubeconfigPath: string,
  { dir, db, file }: { dir: string; db: string; file: string },
): Promise<number> {
  const path = join(PROJECT_ROOT, 'examples', dir, file);
  console.log(`== Live apply (examples/${dir}/${file}): first, what it would do`);
  console.log(`$ npx redis-reconfigure plan -f examples/${dir}/${file}`);
  const planned = await runCli(['plan', '-f', path], {
    out: (l) => console.log(l === '' ? '' : `  ${l}`),
    err: (l) => console.log(`  ${l}`),
    env: { KUBECONFIG: kubeconfigPath },
    now: () => new Date(),
  });
  const before = await podUids(kc, db);
  const started = Date.now();
  await applyFile(kc, path);
  const opsName = file.replace(/^\d+-/, '').replace(/\.yaml$/, '');
  const ops = await followOpsRequest(kc, 'demo', opsName, (line) => console.log(formatProgress(line)), {
    timeoutMs: 300_000,
  });
  const finishedAt = Date.now();
  const after = await podUids(kc, db);
  const restarted = [...before].filter(([pod, uid]) => after.get(pod) !== uid).map(([pod]) => pod);
  let wrong = 0;
  for (const pod of after.keys()) {
    const value = await configGetOnPod(kc, 'demo', pod, db, 'maxmemory-policy');
    if (value !== 'allkeys-lru') wrong++;
    console.log(`  CONFIG GET maxmemory-policy on ${pod} → ${value}`);
  }
  const ok = planned === 0 && ops.status?.phase === 'Successful' && wrong === 0 && restarted.length === 0;
  console.log(
    `  → ${opsName}: ${ops.status?.phase} in ${((finishedAt - started) / 1000).toFixed(1)} s; pods restarted: ${restarted.length === 0 ? 'none' : restarted.join(', ')} ${ok ? '✔' : '✘'}\n`,
  );
  return ok ? 0 : 1;
}
