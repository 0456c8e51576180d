/**
 * Runs the forwarder's built bundle as its own process, as it runs in a cluster (a Pod with a kubeconfig and an SQS
 * endpoint), so the local stack can stop, kill and restart it like a real Deployment would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from './serverless-config.ts';

interface ForwarderProcessOptions {
  clusterId: string;
  kubeconfigPath: string;
  haltQueueUrl: string;
  recoverQueueUrl: string;
  /** Where restart-pod wake-ups go (docs/adr/0013-wake-ups.md). */
  restartPodQueueUrl?: string;
  sqsEndpoint: string;
  region: string;
  resyncSeconds: number;
  logFile?: string;
  identity?: string;
  /** Where its leader-election Lease lives (the shipped RBAC grants it in the forwarder's own namespace). */
  leaseNamespace?: string;
  /** The hub of a fleet: also announce FleetRollouts to this queue. */
  rolloutQueueUrl?: string;
}

export class ForwarderProcess {
  readonly #opts: ForwarderProcessOptions;
  #child: ChildProcess | undefined;

  constructor(opts: ForwarderProcessOptions) {
    this.#opts = opts;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  start(): void {
    if (this.#child !== undefined) return;
    const o = this.#opts;
    const child = spawn(process.execPath, ['--enable-source-maps', resolve(PROJECT_ROOT, 'dist/forwarder/index.mjs')], {
      env: {
        PATH: process.env['PATH'] ?? '',
        CLUSTER_ID: o.clusterId,
        HALT_QUEUE_URL: o.haltQueueUrl,
        RECOVER_QUEUE_URL: o.recoverQueueUrl,
        ...(o.restartPodQueueUrl !== undefined ? { RESTART_POD_QUEUE_URL: o.restartPodQueueUrl } : {}),
        KUBECONFIG: o.kubeconfigPath,
        RESYNC_SECONDS: String(o.resyncSeconds),
        HEALTH_PORT: '0',
        LEADER_ELECTION: 'true',
        LEASE_NAMESPACE: o.leaseNamespace ?? 'kube-system',
        POD_NAME: o.identity ?? `forwarder-${process.pid}`,
        AWS_ENDPOINT_URL_SQS: o.sqsEndpoint,
        AWS_REGION: o.region,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        ...(o.rolloutQueueUrl !== undefined ? { ROLLOUT_QUEUE_URL: o.rolloutQueueUrl } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (o.logFile !== undefined) {
      const out = createWriteStream(o.logFile, { flags: 'a' });
      child.stdout.pipe(out);
      child.stderr.pipe(out);
    } else {
      child.stdout.resume();
      child.stderr.pipe(process.stderr);
    }
    child.once('exit', () => {
      if (this.#child === child) this.#child = undefined;
    });
    this.#child = child;
  }

  /** Graceful stop (SIGTERM → the forwarder drains and releases its Lease), or a crash with `kill: true`. */
  async stop(opts: { kill?: boolean } = {}): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(opts.kill === true ? 'SIGKILL' : 'SIGTERM');
    await exited;
  }
}
