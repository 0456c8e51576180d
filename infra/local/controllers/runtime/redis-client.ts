/**
 * Short-lived Redis/Sentinel connections for the controllers' coordinator steps (cluster formation, sentinel
 * registration, health checks) and the kubelet's start-script emulation. One connection per call site, no
 * reconnects and no offline queue: a pod that does not answer is an observation ("not reachable"), not something
 * to wait for inside a client library.
 */
import type { ConnectionOptions } from 'node:tls';
import { Redis } from 'ioredis';

export interface RedisTarget {
  host: string;
  port: number;
  password?: string | undefined;
  /** A TLS-only server (KubeDB spec.tls): CA, client certificate and the name to verify, for tls.connect. */
  tls?: ConnectionOptions | undefined;
}

/** Everything about reaching a database's servers except the address. */
export type RedisAccess = Omit<RedisTarget, 'host' | 'port'>;

export class RedisUnreachableError extends Error {
  override name = 'RedisUnreachableError';
}

export async function withRedis<T>(
  target: RedisTarget,
  fn: (client: Redis) => Promise<T>,
  timeoutMs = 2000,
): Promise<T> {
  const client = new Redis({
    host: target.host,
    port: target.port,
    ...(target.password ? { password: target.password } : {}),
    ...(target.tls ? { tls: target.tls } : {}),
    protocol: 2,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    enableReadyCheck: false,
  });
  let lastError: Error | undefined;
  // Without a listener an 'error' event would crash the process; the error itself is rethrown below.
  client.on('error', (err: Error) => (lastError = err));
  try {
    try {
      await client.connect();
    } catch (err) {
      const cause = lastError ?? err;
      throw new RedisUnreachableError(
        `${target.host}:${target.port}: ${cause instanceof Error ? cause.message : String(cause)}`,
      );
    }
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

/** One command on a fresh connection. */
export function redisCall(target: RedisTarget, command: string, ...args: (string | number)[]): Promise<unknown> {
  return withRedis(target, (c) => c.call(command, ...args));
}

/** Like redisCall, but an unreachable server yields undefined (other errors, e.g. -ERR replies, are thrown). */
export async function redisCallIfUp(
  target: RedisTarget,
  command: string,
  ...args: (string | number)[]
): Promise<unknown> {
  try {
    return await redisCall(target, command, ...args);
  } catch (err) {
    if (err instanceof RedisUnreachableError) return undefined;
    throw err;
  }
}

/** Sleep that ends early (rejecting with the signal's reason) when the signal aborts. */
export function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
