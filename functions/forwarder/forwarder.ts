/**
 * Wires the forwarder: leader election → (leader only) one ListWatch per watched namespace → Announcer →
 * one SqsBatchSender per target queue (halt, recover); the wake-up watches (pods, Redis objects) → WakeUps → their
 * own senders (halt, restart-pod); plus the health server. Used by main.ts, the tests and the local stack.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { KubeConfig } from '@kubernetes/client-node';
import { OPS_GROUP, OPS_PLURAL, OPS_VERSION } from '../../shared/kubedb/constants.ts';
import { slimOpsRequest, type AnnounceTarget } from './announce-policy.ts';
import { Announcer } from './announcer.ts';
import { Backoff, WATCH_BACKOFF, type BackoffPolicy } from '../../shared/time/backoff.ts';
import { systemClock, type Clock } from '../../shared/time/clock.ts';
import type { ForwarderConfig } from './config.ts';
import { startHealthServer, type HealthServer } from './health-server.ts';
import { kubeLeaseStore } from './kube-lease-store.ts';
import { kubeWatchSource } from '../../shared/adapters/kube/kube-watch-source.ts';
import { LeaderElector, type LeaseStore } from './leader-election.ts';
import type { KubeObject, ListWatchSource } from '../../shared/adapters/kube/list-watch-source.ts';
import { ListWatch, type ListWatchEvent, type ListWatchOptions } from '../../shared/adapters/kube/list-watch.ts';
import { createLogger, splitSink, type Logger, type LogSink } from '../../shared/logging.ts';
import { newCounters, renderPrometheus, type Counters } from './metrics.ts';
import { SqsBatchSender, sqsSendBatch, type SendBatch } from './sqs-batch-sender.ts';
import { kubeWakeUpSources, wakeUpWatches, type WakeUpSources } from './wake-up-watches.ts';
import type { WakeTarget, WakeUps } from './wake-ups.ts';

export interface ForwarderDeps {
  kubeConfig?: KubeConfig;
  sqs?: SQSClient;
  /** Overrides the SQS adapter (tests of the batching only). */
  sendBatch?: SendBatch;
  leaseStore?: LeaseStore;
  watchSource?: (namespace: string | undefined) => ListWatchSource<KubeObject>;
  /** The pods and Redis objects the wake-ups watch (default: the cluster's, when a KubeConfig is at hand). */
  wakeUpSources?: (namespace: string | undefined) => WakeUpSources;
  clock?: Clock;
  random?: () => number;
  logger?: Logger;
  /** Watch reconnect backoff (default WATCH_BACKOFF: 200 ms → 30 s) and the stream lifetime that resets it (30 s). */
  watchBackoff?: BackoffPolicy;
  watchHealthyAfterMs?: number;
  /** A handler error stopped the watch (a bug, never a transient condition). Default: log and stop forwarding. */
  onFatal?: (err: unknown) => void;
}

export interface Forwarder {
  /** Resolves once the health server listens and the replica is ready (leader: synced; follower: Lease answered). */
  ready: Promise<void>;
  stats(): Counters;
  isLeader(): boolean;
  /** Base URL of the health server; valid once `ready` resolved. */
  healthUrl(): string;
  /** Stop watching, flush pending sends (bounded), release the Lease, close the health server. */
  stop(): Promise<void>;
}

export function startForwarder(config: ForwarderConfig, deps: ForwarderDeps = {}): Forwarder {
  const runtime = new ForwarderRuntime(config, deps);
  return {
    ready: runtime.ready,
    stats: () => ({ ...runtime.counters }),
    isLeader: () => runtime.leading,
    healthUrl: () => runtime.healthUrl(),
    stop: () => runtime.stop(),
  };
}

interface Leadership {
  announcer: Announcer;
  wakeUps: WakeUps | undefined;
  listWatches: Array<ListWatch<KubeObject>>;
}

class ForwarderRuntime {
  readonly counters: Counters = newCounters();
  readonly ready: Promise<void>;
  readonly #config: ForwarderConfig;
  readonly #deps: ForwarderDeps;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #senders: Record<AnnounceTarget, SqsBatchSender>;
  /** Wake-ups do not linger: their point is latency (a batch still forms from what one turn sends). */
  readonly #wakeSenders: Partial<Record<WakeTarget, SqsBatchSender>>;
  readonly #wakeUpSources: ((namespace: string | undefined) => WakeUpSources) | undefined;
  readonly #watchSource: (namespace: string | undefined) => ListWatchSource<KubeObject>;
  readonly #elector: LeaderElector | undefined;
  readonly #started: Promise<void>;
  #leadership: Leadership | undefined;
  #stopping = false;
  #health: HealthServer | undefined;
  #markReady: () => void = () => {};

  constructor(config: ForwarderConfig, deps: ForwarderDeps) {
    this.#config = config;
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
    this.#log = deps.logger ?? forwarderLogger(config.clusterId, config.logLevel);
    const needsKube = deps.watchSource === undefined || (config.leaderElection && deps.leaseStore === undefined);
    const kc = deps.kubeConfig ?? (needsKube ? loadKubeConfig(config) : undefined);
    const sqs = deps.sqs ?? new SQSClient({});
    const sender = (queueUrl: string, lingerMs?: number): SqsBatchSender =>
      new SqsBatchSender({
        send: deps.sendBatch ?? sqsSendBatch(sqs, queueUrl),
        ...(lingerMs !== undefined ? { lingerMs } : {}),
        clock: this.#clock,
        random: deps.random,
        logger: this.#log,
        onSent: (n) => (this.counters.messagesSent += n),
        onFailed: () => this.counters.sendFailures++,
      });
    this.#senders = { halt: sender(config.haltQueueUrl), recover: sender(config.recoverQueueUrl) };
    this.#wakeSenders = {
      halt: sender(config.haltQueueUrl, 0),
      ...(config.restartPodQueueUrl !== undefined ? { 'restart-pod': sender(config.restartPodQueueUrl, 0) } : {}),
    };
    this.#wakeUpSources = !config.wakeUps
      ? undefined
      : (deps.wakeUpSources ?? (kc !== undefined ? (ns) => kubeWakeUpSources(kc, ns) : undefined));
    this.#watchSource =
      deps.watchSource ??
      ((namespace) =>
        kubeWatchSource<KubeObject>(required(kc), {
          group: OPS_GROUP,
          version: OPS_VERSION,
          plural: OPS_PLURAL,
          namespace,
        }));
    this.#elector = config.leaderElection
      ? this.#newElector(deps.leaseStore ?? kubeLeaseStore(required(kc), config.leaseNamespace, config.leaseName))
      : undefined;
    const readySignal = new Promise<void>((resolve) => (this.#markReady = resolve));
    this.#started = this.#start();
    this.ready = this.#started.then(() => readySignal);
  }

  get leading(): boolean {
    return this.#leadership !== undefined;
  }

  healthUrl(): string {
    if (this.#health === undefined) throw new Error('health server not started yet');
    return this.#health.url;
  }

  async #start(): Promise<void> {
    this.#health = await startHealthServer({
      host: this.#config.healthHost,
      port: this.#config.healthPort,
      ready: () => this.#readiness(),
      metrics: () => renderPrometheus(this.counters, { cluster_id: this.#config.clusterId }),
    });
    this.#log.info('health server listening', {
      url: this.#health.url,
      identity: this.#config.identity,
      leaderElection: this.#config.leaderElection,
    });
    if (this.#elector === undefined) this.#startLeading();
    else this.#elector.start();
    this.#checkReady();
  }

  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    // A failed start was already reported through `ready`; stop still releases whatever did start.
    await this.#started.catch(() => undefined);
    await this.#stopLeading(false);
    const drainMs = this.#config.drainTimeoutSeconds * 1000;
    const senders = [...Object.values(this.#senders), ...Object.values(this.#wakeSenders)];
    const drained = await Promise.all(senders.map((s) => s.drain(drainMs)));
    const flushed = drained.every(Boolean);
    if (!flushed)
      this.#log.warn('pending sends did not finish within the drain timeout', {
        drainTimeoutSeconds: this.#config.drainTimeoutSeconds,
      });
    await this.#elector?.stop();
    await this.#health?.close();
    this.#log.info('forwarder stopped', { stats: this.counters });
  }

  #newElector(store: LeaseStore): LeaderElector {
    return new LeaderElector({
      store,
      identity: this.#config.identity,
      leaseDurationMs: this.#config.leaseDurationSeconds * 1000,
      renewIntervalMs: this.#config.leaseRenewSeconds * 1000,
      clock: this.#clock,
      logger: this.#log,
      onLeadershipChange: (leading) => {
        if (leading) this.#startLeading();
        else void this.#stopLeading(true);
        this.#checkReady();
      },
      onTick: () => this.#checkReady(),
    });
  }

  #startLeading(): void {
    if (this.#stopping || this.#leadership !== undefined) return;
    this.counters.isLeader = 1;
    const announcer = new Announcer({
      clusterId: this.#config.clusterId,
      resyncMs: this.#config.resyncSeconds * 1000,
      send: (target, m) => this.#senders[target].enqueue(m),
      counters: this.counters,
      clock: this.#clock,
      logger: this.#log,
    });
    const namespaces = this.#config.watchNamespaces.length > 0 ? this.#config.watchNamespaces : [undefined];
    const wake = this.#startWakeUps(namespaces);
    const handle = (e: ListWatchEvent<KubeObject>): void => {
      announcer.handle(e);
      wake?.wakeUps.onOpsEvent(e);
      if (e.type === 'synced') this.#checkReady();
    };
    const listWatches = namespaces.map(
      (namespace) =>
        new ListWatch<KubeObject>(this.#watchSource(namespace), handle, {
          ...this.#listWatchOptions(),
          transform: slimOpsRequest,
        }),
    );
    listWatches.push(...(wake?.listWatches ?? []));
    this.#leadership = { announcer, wakeUps: wake?.wakeUps, listWatches };
    const onFatal = this.#deps.onFatal ?? ((err: unknown) => this.#fatal(err));
    for (const lw of listWatches) lw.run().catch(onFatal);
    announcer.startResync();
    this.#log.info('forwarding', {
      namespaces: this.#config.watchNamespaces,
      resyncSeconds: this.#config.resyncSeconds,
    });
  }

  #startWakeUps(namespaces: Array<string | undefined>): ReturnType<typeof wakeUpWatches> | undefined {
    const sources = this.#wakeUpSources;
    if (sources === undefined) return undefined;
    const wake = wakeUpWatches(
      namespaces.map((ns) => sources(ns)),
      {
        clusterId: this.#config.clusterId,
        send: (target, m) => {
          const s = this.#wakeSenders[target];
          if (s !== undefined) s.enqueue(m);
        },
        counters: this.counters,
        clock: this.#clock,
        logger: this.#log,
      },
      this.#listWatchOptions(),
      () => this.#checkReady(),
    );
    return wake;
  }

  #listWatchOptions(): ListWatchOptions {
    return {
      clock: this.#clock,
      backoff: new Backoff(this.#deps.watchBackoff ?? WATCH_BACKOFF, this.#deps.random),
      silenceTimeoutMs: this.#config.watchSilenceSeconds * 1000,
      healthyAfterMs: this.#deps.watchHealthyAfterMs,
      logger: this.#log,
      onWatchRestart: () => this.counters.watchRestarts++,
      onRelist: () => this.counters.relists++,
    };
  }

  /** The first part is synchronous on purpose: forwarding stops the moment leadership is lost. */
  #stopLeading(discardPending: boolean): Promise<void> {
    this.counters.isLeader = 0;
    const current = this.#leadership;
    this.#leadership = undefined;
    if (current === undefined) return Promise.resolve();
    current.announcer.stopResync();
    current.wakeUps?.stop();
    const stopped = Promise.all(current.listWatches.map((lw) => lw.stop())).then(() => undefined);
    if (discardPending) {
      const dropped = Object.values(this.#senders).reduce((n, s) => n + s.discardPending(), 0);
      if (dropped > 0) this.#log.warn('leadership lost; unsent messages left to the next leader', { dropped });
    }
    return stopped;
  }

  #fatal(err: unknown): void {
    this.#log.error('forwarding stopped after an event handler error', { err });
    void this.#stopLeading(true);
  }

  #readiness(): { ready: boolean; detail: string } {
    if (this.#stopping) return { ready: false, detail: 'stopping' };
    if (this.#leadership !== undefined) {
      const ok = this.#leadership.listWatches.every((lw) => lw.healthy);
      return { ready: ok, detail: ok ? 'leader: watch synced' : 'leader: watch not synced or unhealthy' };
    }
    if (this.#elector === undefined) return { ready: false, detail: 'not forwarding' };
    return this.#elector.healthy
      ? { ready: true, detail: 'follower: lease healthy' }
      : { ready: false, detail: 'follower: lease API unhealthy' };
  }

  #checkReady(): void {
    if (this.#health !== undefined && this.#readiness().ready) this.#markReady();
  }
}

function required(kc: KubeConfig | undefined): KubeConfig {
  if (kc === undefined) throw new Error('no KubeConfig');
  return kc;
}

function loadKubeConfig(config: ForwarderConfig): KubeConfig {
  const kc = new KubeConfig();
  if (config.kubeconfigPath !== undefined) kc.loadFromFile(config.kubeconfigPath);
  else kc.loadFromCluster();
  return kc;
}

/** Every forwarder line names its component and cluster, so a fleet's logs can be merged and filtered. */
export function forwarderLogger(
  clusterId: string,
  minLevel: ForwarderConfig['logLevel'],
  sink: LogSink = splitSink,
): Logger {
  return createLogger({ base: { component: 'forwarder', clusterId }, minLevel, sink });
}
