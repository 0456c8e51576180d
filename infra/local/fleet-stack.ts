/**
 * A local fleet: N clusters — each its own API server, controllers, kubelet and forwarder with its own cluster id —
 * against one SQS and one Lambda runner, as a fleet is against one deployment. Cluster `c1` is also the hub: its
 * forwarder announces FleetRollouts to the rollout queue. The cluster registry is the runner's kubeconfig
 * directory (`<stateDir>/clusters/<id>.kubeconfig` + `<id>.labels.json`), the user's kubeconfigs are
 * `<stateDir>/<id>/kubeconfig`. The single-cluster stack (stack.ts) is unchanged; this reuses its pieces.
 */
import { startingIn } from './shutdown.ts';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ForwarderProcess } from './forwarder-process.ts';
import { startLambdaRunner, type LambdaRunner } from './lambda-runner/index.ts';
import { FORWARDER_NAMESPACE } from './shipped-manifests.ts';
import { startLocalSqs, type LocalSqs } from './sqs/index.ts';
import {
  forwarderQueueUrls,
  queueUrlOf,
  runnerOptionsFor,
  startKubernetes,
  wipeState,
  type KubernetesSide,
  type LocalStackOptions,
} from './stack.ts';

export interface LocalFleetOptions extends Omit<LocalStackOptions, 'clusterId' | 'pipeline'> {
  clusters: number;
  /**
   * The rollout function's safety-net look while ops requests run (ROLLOUT_LOOK_SECONDS; default 2 locally, 300 s on
   * AWS): the outcome events of its ops requests are what move a rollout along.
   */
  rolloutLookSeconds?: number;
  /** Labels per cluster id (default: env=prod for every cluster, region=r<i>). */
  labelsFor?: (id: string, index: number) => Record<string, string>;
}

interface LocalFleetCluster extends KubernetesSide {
  id: string;
  labels: Record<string, string>;
  forwarder: ForwarderProcess;
}

export interface LocalFleet {
  hub: LocalFleetCluster;
  clusters: LocalFleetCluster[];
  clustersDir: string;
  sqs: LocalSqs;
  runner: LambdaRunner;
  restartRunner(): Promise<void>;
  stop(): Promise<void>;
}

const fleetClusterId = (index: number): string => `c${index + 1}`;
const defaultLabels = (_id: string, index: number): Record<string, string> => ({
  env: 'prod',
  region: `r${index + 1}`,
});

export async function startLocalFleet(opts: LocalFleetOptions): Promise<LocalFleet> {
  if (opts.fresh === true) await wipeFleet(opts.stateDir);
  const { logDir, clustersDir, stops, stopAll } = await startingIn(opts.stateDir);
  try {
    const ids = Array.from({ length: opts.clusters }, (_, i) => fleetClusterId(i));
    // One after the other: each API server bootstraps its RBAC and catalog; the kubelets share the machine.
    const sides: Array<KubernetesSide & { id: string; labels: Record<string, string> }> = [];
    for (const [i, id] of ids.entries()) {
      const stateDir = join(opts.stateDir, id);
      await mkdir(stateDir, { recursive: true });
      const side = await startKubernetes({ ...opts, stateDir }, id, stops, clustersDir);
      const labels = (opts.labelsFor ?? defaultLabels)(id, i);
      await writeFile(join(clustersDir, `${id}.labels.json`), JSON.stringify(labels));
      sides.push({ ...side, id, labels });
    }
    const sqs = await startLocalSqs({ stage: 'local' });
    stops.push(() => sqs.stop());
    // The functions and the forwarders send through the same endpoint (a fault-injecting proxy, if one is asked for).
    const clientEndpoint = opts.sqsEndpointFor !== undefined ? await opts.sqsEndpointFor(sqs.endpoint) : sqs.endpoint;
    const common = runnerOptionsFor(opts, sqs, clientEndpoint, { logDir, clustersDir });
    // Locally the safety-net look defaults to 2 s (the function's own default, for AWS, is 300 s).
    const lookSeconds = String(opts.rolloutLookSeconds ?? 2);
    const runnerOptions = { ...common, env: { ...common.env, ROLLOUT_LOOK_SECONDS: lookSeconds } };
    let runner = startLambdaRunner(runnerOptions);
    stops.push(() => runner.stop());
    const clusters = sides.map((side, i): LocalFleetCluster => {
      const forwarder = new ForwarderProcess({
        clusterId: side.id,
        kubeconfigPath: side.forwarderKubeconfigPath,
        leaseNamespace: FORWARDER_NAMESPACE,
        ...forwarderQueueUrls(sqs, clientEndpoint),
        sqsEndpoint: clientEndpoint,
        region: sqs.region,
        resyncSeconds: opts.resyncSeconds ?? 30,
        ...(i === 0 ? { rolloutQueueUrl: queueUrlOf(sqs, 'RolloutQueue', clientEndpoint) } : {}),
        ...(opts.verbose === true ? {} : { logFile: join(logDir, `forwarder-${side.id}.log`) }),
      });
      forwarder.start();
      stops.push(() => forwarder.stop());
      return { ...side, forwarder };
    });
    const hub = clusters[0];
    if (hub === undefined) throw new Error('a local fleet needs at least one cluster');
    return {
      hub,
      clusters,
      clustersDir,
      sqs,
      get runner() {
        return runner;
      },
      restartRunner: async () => {
        await runner.stop();
        runner = startLambdaRunner(runnerOptions);
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** `--fresh`: every cluster's leftover redis-servers are killed (by their pid files) before the state is wiped. */
async function wipeFleet(stateDir: string): Promise<void> {
  let entries: string[] = [];
  try {
    entries = await readdir(stateDir);
  } catch {
    return;
  }
  for (const id of entries.filter((e) => /^c\d+$/.test(e))) await wipeState(join(stateDir, id));
  await rm(stateDir, { recursive: true, force: true });
}
