/** RedisPort over ioredis: short-lived connections to a pod's IP, never retried inside (SQS owns retries). */
import { Redis } from 'ioredis';
import { UnavailableError } from '../../errors.ts';
import type { RedisPort, RedisTarget } from '../../steps/ports.ts';

const CONNECT_TIMEOUT_MS = 2_000;
const COMMAND_TIMEOUT_MS = 3_000;

export class RedisAdapter implements RedisPort {
  async configGet(target: RedisTarget, parameters: string[]): Promise<Record<string, string>> {
    if (parameters.length === 0) return {};
    const client = new Redis({
      host: target.host,
      port: target.port,
      ...(target.username !== undefined ? { username: target.username } : {}),
      ...(target.password !== undefined ? { password: target.password } : {}),
      lazyConnect: true,
      connectTimeout: CONNECT_TIMEOUT_MS,
      commandTimeout: COMMAND_TIMEOUT_MS,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    // ioredis emits 'error' on connection problems; the awaited command below reports them.
    client.on('error', () => undefined);
    try {
      await client.connect();
      // CONFIG GET takes several parameters since Redis 7.0 and answers a flat name/value list.
      const flat = (await client.call('CONFIG', 'GET', ...parameters)) as string[];
      const result: Record<string, string> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) result[flat[i] as string] = flat[i + 1] as string;
      return result;
    } catch (err) {
      throw new UnavailableError(`CONFIG GET on ${target.host}:${target.port} failed: ${(err as Error).message}`, { cause: err });
    } finally {
      client.disconnect();
    }
  }
}
