/**
 * ioredis clients for the probe. The writer clients are tuned so the probe measures Redis, not the client's
 * back-off: every delay the client would add on its own is set to the probe interval, and every write is failed
 * (not queued, not resent) when the client has no healthy connection — a queued write that succeeds seconds
 * later would hide the outage. The verification client is the opposite: patient, because it only has to read.
 */
import { Cluster, Redis } from 'ioredis';
import type { ClusterOptions, RedisOptions } from 'ioredis';
import type { ProbeTarget } from './types.ts';

export type ProbeClient = Redis | Cluster;

export interface WriterTuning {
  intervalMs: number;
  writeTimeoutMs: number;
}

export class WriteProbeConnectError extends Error {
  override name = 'WriteProbeConnectError';
}

/** READONLY means we are talking to a node that was demoted (Sentinel failover): reconnect so the connector re-resolves the primary. */
const reconnectWhenDemoted = (err: Error): boolean => err.message.startsWith('READONLY');

function writerRedisOptions(tuning: WriterTuning, password: string | undefined): RedisOptions {
  return {
    password,
    // The write timeout is enforced by the probe too; this makes ioredis drop the command from its queue as well.
    commandTimeout: tuning.writeTimeoutMs,
    connectTimeout: tuning.writeTimeoutMs,
    // Reconnect at the probe's own cadence instead of ioredis' exponential back-off (up to 2 s by default),
    // so a server that is back is noticed within one interval.
    retryStrategy: () => tuning.intervalMs,
    // A write while disconnected fails at once (it is an unavailable moment) instead of waiting in a queue.
    enableOfflineQueue: false,
    // In-flight writes on a dropped connection fail; they are not resent after reconnecting.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    reconnectOnError: reconnectWhenDemoted,
    // The ready check (INFO) keeps the client not-ready while the server is still LOADING its data set.
    enableReadyCheck: true,
  };
}

function clusterOptions(tuning: WriterTuning, password: string | undefined, patient: boolean): ClusterOptions {
  const delay = patient ? Math.max(tuning.intervalMs, 100) : tuning.intervalMs;
  return {
    // Reconnect the whole cluster client (all nodes unreachable) at the probe cadence, not 100 ms + 2 ms/try.
    clusterRetryStrategy: () => delay,
    // "Connection is closed" (a node died), CLUSTERDOWN and TRYAGAIN: retry after one interval and refresh
    // CLUSTER SLOTS meanwhile, so a promoted replica is found as soon as the cluster announces it. ioredis gives
    // up after maxRedirections (16) tries; the probe's write timeout bounds the whole thing anyway.
    retryDelayOnFailover: delay,
    retryDelayOnClusterDown: delay,
    retryDelayOnTryAgain: delay,
    // MOVED after a failover names the new owner: follow it at once.
    retryDelayOnMoved: 0,
    // The periodic CLUSTER SLOTS refresh (5 s by default) also catches promotions that produce no error.
    slotsRefreshInterval: 1000,
    slotsRefreshTimeout: patient ? 2000 : tuning.writeTimeoutMs,
    // Kept on: during a slot refresh ioredis parks commands here; the probe's write timeout still bounds them.
    enableOfflineQueue: true,
    enableReadyCheck: true,
    redisOptions: {
      password,
      commandTimeout: patient ? 2000 : tuning.writeTimeoutMs,
      connectTimeout: patient ? 2000 : tuning.writeTimeoutMs,
      maxRetriesPerRequest: patient ? 3 : 0,
      autoResendUnfulfilledCommands: false,
    },
  };
}

/** Creates the writer's client. Does not wait for it to be ready (see {@link waitUntilReady}). */
export function createWriterClient(target: ProbeTarget, tuning: WriterTuning): ProbeClient {
  switch (target.mode) {
    case 'standalone':
      return new Redis({ ...writerRedisOptions(tuning, target.password), host: target.host, port: target.port });
    case 'sentinel':
      return new Redis({
        ...writerRedisOptions(tuning, target.password),
        sentinels: target.sentinels,
        name: target.masterName,
        role: 'master',
        sentinelPassword: target.sentinelPassword,
        sentinelCommandTimeout: tuning.writeTimeoutMs,
        // Ask the Sentinels again at the probe cadence when none answers, instead of ioredis' growing delay.
        sentinelRetryStrategy: () => tuning.intervalMs,
        // Subscribes to +switch-master on the Sentinels and reconnects as soon as a failover is announced,
        // rather than waiting for the old primary to drop the connection.
        failoverDetector: true,
      });
    case 'cluster':
      return new Cluster(target.seeds, clusterOptions(tuning, target.password, false));
  }
}

/** A client for reading back and deleting the probe's keys after the disruption: retries instead of failing fast. */
export function createVerifierClient(
  target: ProbeTarget,
  extraClusterSeeds: Array<{ host: string; port: number }>,
): ProbeClient {
  const patient = { commandTimeout: 2000, connectTimeout: 2000, retryStrategy: () => 100, maxRetriesPerRequest: 3 };
  switch (target.mode) {
    case 'standalone':
      return new Redis({ ...patient, password: target.password, host: target.host, port: target.port });
    case 'sentinel':
      return new Redis({
        ...patient,
        password: target.password,
        sentinels: target.sentinels,
        name: target.masterName,
        sentinelPassword: target.sentinelPassword,
        sentinelRetryStrategy: () => 100,
      });
    case 'cluster':
      return new Cluster(
        [...target.seeds, ...extraClusterSeeds],
        clusterOptions({ intervalMs: 100, writeTimeoutMs: 2000 }, target.password, true),
      );
  }
}

/**
 * Resolves when the client reports `ready`; rejects after `timeoutMs` with the last connection error seen.
 * (Not `events.once`: it rejects on the first 'error' event, and connection errors are expected while retrying.)
 */
export async function waitUntilReady(client: ProbeClient, timeoutMs: number, what: string): Promise<void> {
  if (client.status === 'ready') return;
  let lastError: unknown;
  const remember = (err: unknown): void => {
    lastError = err;
  };
  let onReady = (): void => undefined;
  let timer: NodeJS.Timeout | undefined;
  client.on('error', remember);
  try {
    await new Promise<void>((resolve, reject) => {
      onReady = resolve;
      client.once('ready', onReady);
      timer = setTimeout(() => {
        const cause = lastError instanceof Error ? lastError.message : 'no error reported';
        reject(
          new WriteProbeConnectError(`${what}: not ready within ${timeoutMs} ms (last error: ${cause})`, {
            cause: lastError,
          }),
        );
      }, timeoutMs);
    });
  } finally {
    clearTimeout(timer);
    client.off('ready', onReady);
    client.off('error', remember);
  }
}

/** Addresses of the nodes a Cluster client currently knows, to seed a later client past seeds that died. */
export function knownClusterNodes(client: ProbeClient): Array<{ host: string; port: number }> {
  if (!(client instanceof Cluster)) return [];
  return client
    .nodes('all')
    .map((node) => ({ host: node.options.host ?? '', port: node.options.port ?? 0 }))
    .filter((n) => n.host !== '');
}

/** The parts of ioredis 6's Cluster that {@link closeProbeClient} needs; they are not in its public typings. */
interface ClusterRefreshInternals {
  isRefreshing?: boolean;
  refreshSlotsCache(callback: () => void): void;
  clearNodesRefreshInterval(): void;
}

/**
 * Disconnects a probe client for good. ioredis 6's Cluster clears its `slotsRefreshInterval` timer on disconnect,
 * but a slot refresh in flight at that moment re-arms it when it ends, and from then on every refresh fails at once
 * (no nodes left) and re-arms it again: a timer that keeps the process alive forever. The callback queued here runs
 * after the one that re-arms the timer, and clears it.
 */
export function closeProbeClient(client: ProbeClient): void {
  client.disconnect();
  if (!(client instanceof Cluster)) return;
  const internals = client as unknown as ClusterRefreshInternals;
  if (internals.isRefreshing === true) internals.refreshSlotsCache(() => internals.clearNodesRefreshInterval());
}
