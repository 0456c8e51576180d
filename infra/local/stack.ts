/**
 * The whole local system on one machine, no cloud account: a Kubernetes API server (HTTPS, real protocol), the
 * KubeDB-like controllers and a kubelet running real redis-server pods, SQS (fauxqs) with the queues of
 * serverless.yml, the Lambda runner invoking the built bundles, and the forwarder as its own process.
 */
import { startingIn } from './shutdown.ts';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import {
  startKubeApiServer,
  type FaultInjector,
  type FaultVerb,
  type KubeApiServer,
  type VerbFault,
} from './kube-apiserver/index.ts';
import { applyDefaultRedisVersions, startControllers } from './controllers/index.ts';
import { killStaleProcesses } from './controllers/kubelet/stale-processes.ts';
import type { StartScriptOptions } from './controllers/kubelet/start-context.ts';
import { makeLogger, type Logger } from './controllers/runtime/log.ts';
import { startLocalSqs, type LocalSqs } from './sqs/index.ts';
import { startLambdaRunner, type LambdaRunner } from './lambda-runner/index.ts';
import { ForwarderProcess } from './forwarder-process.ts';
import { loadServerlessConfig } from './serverless-config.ts';
import {
  applyShippedRbac,
  FORWARDER_NAMESPACE,
  FORWARDER_SERVICE_ACCOUNT,
  FUNCTIONS_GROUP,
  ROLLOUT_GROUP,
} from './shipped-manifests.ts';
import { localIdentities } from './local-identities.ts';
import { FAULT_VERBS } from './fault-verbs.ts';

export interface LocalStackOptions {
  /** Where state lives (objects, pod data, logs, kubeconfig). */
  stateDir: string;
  /** Wipe the state first. */
  fresh?: boolean;
  clusterId?: string;
  /** Start the runner and the forwarder (false: only Kubernetes, as the local-Kubernetes issue needs). */
  pipeline?: boolean;
  /** Forwarder resync period (re-announcing unfinished ops requests). */
  resyncSeconds?: number;
  /** Halt re-sends a due step when an ops request made no progress for this long. */
  stallSeconds?: number;
  /** The functions' SAFETY_NET_SECONDS: the least delay of a look the forwarder's wake-ups cover (default 5). */
  safetyNetSeconds?: number;
  /** Print function output to the console (else to <stateDir>/logs). */
  verbose?: boolean;
  concurrency?: number;
  /** Fault injection: the SQS endpoint the functions and the forwarder use, given the emulator's (e.g. a proxy). */
  sqsEndpointFor?: (emulatorEndpoint: string) => Promise<string>;
  /**
   * RBAC on (default): the forwarder runs under its shipped ServiceAccount and the functions as a member of the group
   * the shipped ClusterRole is bound to, so every run proves infra/k8s is sufficient. Controllers stay admin.
   */
  rbac?: boolean;
  /** API server fault injection, switched on once the stack is up (so its own bootstrap is not failed). */
  faults?: FaultPlan;
  /** How closely the kubelet follows KubeDB's start scripts where that costs time (e.g. sentinel-mode `sleep 5`). */
  startScripts?: StartScriptOptions;
  /** Kubelet: image pull + container creation before each pod's first start (default 0). */
  podStartDelayMs?: number;
}

/** Re-exported: the fault switches' verbs live in fault-verbs.ts (the command line reads them without the stack). */
export { FAULT_VERBS };

export interface FaultPlan {
  /** Per verb; '*' applies to every verb, and a verb's own entry overrides it field by field. */
  verbs: Partial<Record<FaultVerb | '*', VerbFault>>;
  /** Every N seconds, close every open watch stream abruptly (as an API server restart does). */
  dropWatchesEverySeconds?: number;
  /** Every N seconds, end every open watch with ERROR 410 Gone (as after etcd compaction). */
  goneEverySeconds?: number;
  /** The next N watch requests answer ERROR 410 Gone at once. */
  goneNextWatches?: number;
}

/** Switches the plan on; the returned function switches every fault off again (timers included). */
export function injectFaults(faults: FaultInjector, plan: FaultPlan, log: Logger): () => void {
  const star = plan.verbs['*'] ?? {};
  for (const verb of FAULT_VERBS) {
    const fault = { ...star, ...plan.verbs[verb] };
    if (Object.keys(fault).length > 0) faults.set(verb, fault);
  }
  if (plan.goneNextWatches !== undefined) faults.forceGone(plan.goneNextWatches);
  const every = (seconds: number | undefined, what: string, act: () => number): NodeJS.Timeout | undefined => {
    if (seconds === undefined) return undefined;
    return setInterval(() => log.warn(`fault: ${what}`, { watches: act() }), seconds * 1000).unref();
  };
  const timers = [
    every(plan.dropWatchesEverySeconds, 'dropped every open watch', () => faults.dropWatches()),
    every(plan.goneEverySeconds, 'ended every open watch with 410 Gone', () => {
      const open = faults.watches.size;
      faults.forceGone();
      return open;
    }),
  ];
  log.warn('fault injection on', { ...plan });
  return () => {
    for (const t of timers) clearInterval(t);
    faults.reset();
  };
}

export interface LocalStack {
  api: KubeApiServer;
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
  sqs?: LocalSqs;
  runner?: LambdaRunner;
  forwarder?: ForwarderProcess;
  /** Restart the Lambda runner (e.g. after a simulated crash). */
  restartRunner(): Promise<void>;
  stop(): Promise<void>;
}

export interface KubernetesSide {
  api: KubeApiServer;
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
  forwarderKubeconfigPath: string;
}

/**
 * The API server, the kubeconfigs of its users, the controllers and kubelet, then the faults; each stop is pushed.
 * The functions' kubeconfig goes to `clustersDir/<clusterId>.kubeconfig` (shared by the clusters of a local fleet).
 */
export async function startKubernetes(
  opts: LocalStackOptions,
  clusterId: string,
  stops: Array<() => Promise<void>>,
  clustersDir: string = join(opts.stateDir, 'clusters'),
): Promise<KubernetesSide> {
  const rbac = opts.rbac !== false;
  const ids = await localIdentities(join(opts.stateDir, 'apiserver'));
  const api = await startKubeApiServer({
    stateDir: join(opts.stateDir, 'apiserver'),
    rbac,
    tokens: {
      [ids.admin]: 'admin',
      // One local identity for every function, the rollout function included (on AWS each has its own role).
      [ids.functions]: { username: 'redis-reconfigure-functions', groups: [FUNCTIONS_GROUP, ROLLOUT_GROUP] },
    },
  });
  stops.push(() => api.stop());
  const kubeconfigPath = join(opts.stateDir, 'kubeconfig');
  await api.writeKubeconfig(kubeconfigPath);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(api.kubeconfig());
  await applyShippedRbac(kubeConfig);
  const functionsKubeconfig = rbac
    ? api.kubeconfig({ token: ids.functions, user: 'redis-reconfigure-functions' })
    : api.kubeconfig();
  await writeFile(join(clustersDir, `${clusterId}.kubeconfig`), functionsKubeconfig, { mode: 0o600 });
  const forwarderKubeconfigPath = join(opts.stateDir, 'forwarder.kubeconfig');
  await writeFile(
    forwarderKubeconfigPath,
    rbac ? await api.serviceAccountKubeconfig(FORWARDER_NAMESPACE, FORWARDER_SERVICE_ACCOUNT) : api.kubeconfig(),
    { mode: 0o600 },
  );
  // The RedisVersion catalog KubeDB's installer ships (the parts the provisioner reads).
  await applyDefaultRedisVersions(kubeConfig);
  const controllers = await startControllers(kubeConfig, {
    stateDir: kubeletStateDir(opts.stateDir),
    kubelet: {
      ...(opts.startScripts !== undefined ? { scripts: opts.startScripts } : {}),
      ...(opts.podStartDelayMs !== undefined ? { podStartDelayMs: opts.podStartDelayMs } : {}),
    },
  });
  stops.push(() => controllers.stop());
  if (opts.faults !== undefined) {
    const stopFaults = injectFaults(api.faults, opts.faults, makeLogger('faults'));
    stops.push(async () => stopFaults());
  }
  return { api, kubeconfigPath, kubeConfig, forwarderKubeconfigPath };
}

export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const clusterId = opts.clusterId ?? 'local';
  if (opts.fresh === true) await wipeState(opts.stateDir);
  const { logDir, clustersDir, stops, stopAll } = await startingIn(opts.stateDir);
  try {
    const { api, kubeconfigPath, kubeConfig, forwarderKubeconfigPath } = await startKubernetes(opts, clusterId, stops);
    const stack: LocalStack = { api, kubeconfigPath, kubeConfig, restartRunner: async () => undefined, stop: stopAll };
    if (opts.pipeline === false) return stack;

    const sqs = await startLocalSqs({ stage: 'local' });
    stops.push(() => sqs.stop());
    const clientEndpoint = opts.sqsEndpointFor !== undefined ? await opts.sqsEndpointFor(sqs.endpoint) : sqs.endpoint;
    const runnerOptions = runnerOptionsFor(opts, sqs, clientEndpoint, { logDir, clustersDir });
    stack.sqs = sqs;
    stack.runner = startLambdaRunner(runnerOptions);
    stops.push(() => stack.runner?.stop() ?? Promise.resolve());
    stack.restartRunner = async () => {
      await stack.runner?.stop();
      stack.runner = startLambdaRunner(runnerOptions);
    };
    const forwarder = new ForwarderProcess({
      clusterId,
      kubeconfigPath: forwarderKubeconfigPath,
      leaseNamespace: FORWARDER_NAMESPACE,
      ...forwarderQueueUrls(sqs, clientEndpoint),
      sqsEndpoint: clientEndpoint,
      region: sqs.region,
      resyncSeconds: opts.resyncSeconds ?? 30,
      ...(opts.verbose === true ? {} : { logFile: join(logDir, 'forwarder.log') }),
    });
    forwarder.start();
    stops.push(() => forwarder.stop());
    stack.forwarder = forwarder;
    return stack;
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** A queue of serverless.yml by logical id, its URL re-rooted on `endpoint` (the emulator's own by default). */
export function queueUrlOf(sqs: LocalSqs, logicalId: string, endpoint: string = sqs.endpoint): string {
  const found = sqs.queueUrls[logicalId];
  if (found === undefined) throw new Error(`serverless.yml declares no ${logicalId}`);
  return found.replace(sqs.endpoint, endpoint);
}

/**
 * The queues every forwarder sends to (announcements: halt, recover; wake-ups: halt, restart-pod), via `endpoint`:
 * the single-cluster stack's and each of a local fleet's.
 */
export function forwarderQueueUrls(
  sqs: LocalSqs,
  endpoint: string = sqs.endpoint,
): { haltQueueUrl: string; recoverQueueUrl: string; restartPodQueueUrl: string } {
  return {
    haltQueueUrl: queueUrlOf(sqs, 'HaltQueue', endpoint),
    recoverQueueUrl: queueUrlOf(sqs, 'RecoverQueue', endpoint),
    restartPodQueueUrl: queueUrlOf(sqs, 'RestartPodQueue', endpoint),
  };
}

/**
 * `--fresh` after a crash: the redis-servers of the crashed run still run (they do not die with their parent) and are
 * known only by the pid files under the kubelet's stateDir, so they are killed before those files are wiped.
 */
export async function wipeState(stateDir: string): Promise<void> {
  await killStaleProcesses(kubeletStateDir(stateDir), makeLogger('local-stack'));
  await rm(stateDir, { recursive: true, force: true });
}

const kubeletStateDir = (stateDir: string): string => join(stateDir, 'kubelet');

/**
 * The SDK sends to a queue URL's own host, so pointing the functions at another SQS endpoint (a fault-injecting
 * proxy) means rewriting the queue URLs serverless.yml gives them (`!Ref <Queue>` environment values).
 */
/** The Lambda runner of a local stack or fleet: one SQS, the functions' kubeconfigs in clustersDir. */
export function runnerOptionsFor(
  opts: Pick<LocalStackOptions, 'verbose' | 'concurrency' | 'stallSeconds' | 'safetyNetSeconds'>,
  sqs: LocalSqs,
  clientEndpoint: string,
  dirs: { logDir: string; clustersDir: string },
) {
  return {
    stage: 'local',
    sqs,
    quiet: opts.verbose !== true,
    ...(opts.verbose === true ? {} : { logDir: dirs.logDir }),
    ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
    env: {
      KUBECONFIG_DIR: dirs.clustersDir,
      STALL_SECONDS: String(opts.stallSeconds ?? 60),
      ...(opts.safetyNetSeconds !== undefined ? { SAFETY_NET_SECONDS: String(opts.safetyNetSeconds) } : {}),
      AWS_ENDPOINT_URL_SQS: clientEndpoint,
      ...queueUrlEnvVia(sqs, clientEndpoint),
    },
  };
}

function queueUrlEnvVia(sqs: LocalSqs, endpoint: string): Record<string, string> {
  if (endpoint === sqs.endpoint) return {};
  const env: Record<string, string> = {};
  for (const fn of loadServerlessConfig({ stage: 'local' }).functions) {
    for (const [name, value] of Object.entries(fn.environment)) {
      const ref = typeof value === 'object' && value !== null && 'Ref' in value ? value.Ref : undefined;
      const url = typeof ref === 'string' ? sqs.queueUrls[ref] : undefined;
      if (url !== undefined) env[name] = url.replace(sqs.endpoint, endpoint);
    }
  }
  return env;
}
