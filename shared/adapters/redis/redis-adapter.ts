/**
 * RedisPort over ioredis: short-lived connections to a pod's IP, never retried inside (SQS owns retries). With
 * `reuseForMs` (the functions), a connection serves the next command to the same pod within that long
 * (idle-connections.ts); without, one connection per command.
 */
import { Redis, ReplyError } from 'ioredis';
import { RedisCommandRefusedError, UnavailableError } from '../../errors.ts';
import { pairsToRecord } from '../../redis/replies.ts';
import type { RedisPort, RedisTarget } from '../../steps/ports.ts';
import { AclCommandRefusedError } from '../../acl/errors.ts';
import { redactAclReply } from '../../acl/tokens.ts';
import { parseAclGetUser, type AclUserReply } from '../../acl/verify.ts';
import { IdleConnections } from './idle-connections.ts';

const CONNECT_TIMEOUT_MS = 2_000;
const COMMAND_TIMEOUT_MS = 3_000;

type WithClient = <T>(target: RedisTarget, what: string, use: (client: Redis) => Promise<T>) => Promise<T>;

function connect(target: RedisTarget): Redis {
  const client = new Redis({
    host: target.host,
    port: target.port,
    ...(target.username !== undefined ? { username: target.username } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
    // spec.tls: TLS with the client certificate; Node verifies the chain against `ca` and the certificate's names
    // against `servername` (the database's service name; the pod is reached by IP).
    ...(target.tls !== undefined
      ? {
          tls: {
            ca: target.tls.ca,
            cert: target.tls.cert,
            key: target.tls.key,
            servername: target.tls.servername,
          },
        }
      : {}),
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // ioredis emits 'error' on connection problems; the awaited command reports them.
  client.on('error', () => undefined);
  return client;
}

function clientsFrom(pool: IdleConnections): WithClient {
  return async (target, what, use) => {
    const reused = pool.take(target);
    const client = reused ?? connect(target);
    let connected = reused !== undefined;
    try {
      if (!connected) await client.connect();
      connected = true;
      const result = await use(client);
      pool.give(target, client);
      return result;
    } catch (err) {
      client.disconnect();
      throw adapterError(err, connected, what, target);
    }
  };
}

function adapterError(err: unknown, connected: boolean, what: string, target: RedisTarget): Error {
  const message = (err as Error).message;
  // An error reply to the command is the engine's answer, not a connection problem: retrying gets the same answer.
  // (A refused AUTH at connect stays an UnavailableError: credentials may be rotating.)
  if (connected && err instanceof ReplyError)
    return new RedisCommandRefusedError(`${what} refused by ${target.host}:${target.port}: ${message}`, { cause: err });
  return new UnavailableError(`${what} on ${target.host}:${target.port} failed: ${message}`, { cause: err });
}

export class RedisAdapter implements RedisPort {
  readonly #withClient: WithClient;

  /**
   * `reuseForMs`: keep a pod's connection for the next command within that long (default 0: one per command);
   * `now`: the clock that window is judged by (tests).
   */
  constructor(options: { reuseForMs?: number; now?: () => number } = {}) {
    this.#withClient = clientsFrom(new IdleConnections(options.reuseForMs ?? 0, options.now));
  }

  async configGet(target: RedisTarget, parameters: string[]): Promise<Record<string, string>> {
    if (parameters.length === 0) return {};
    return this.#withClient(target, 'CONFIG GET', async (client) => {
      // CONFIG GET takes several parameters since Redis 7.0 and answers a flat name/value list.
      const flat = (await client.call('CONFIG', 'GET', ...parameters)) as string[];
      const result: Record<string, string> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) result[flat[i] as string] = flat[i + 1] as string;
      return result;
    });
  }

  async configSet(target: RedisTarget, parameterValues: string[]): Promise<void> {
    if (parameterValues.length === 0) return;
    await this.#withClient(target, 'CONFIG SET', (client) => client.call('CONFIG', 'SET', ...parameterValues));
  }

  info(target: RedisTarget, section: 'replication' | 'cluster' | 'server'): Promise<string> {
    return this.#withClient(target, `INFO ${section}`, async (client) => String(await client.call('INFO', section)));
  }

  clusterNodes(target: RedisTarget): Promise<string> {
    return this.#withClient(target, 'CLUSTER NODES', async (client) => String(await client.call('CLUSTER', 'NODES')));
  }

  clusterInfo(target: RedisTarget): Promise<string> {
    return this.#withClient(target, 'CLUSTER INFO', async (client) => String(await client.call('CLUSTER', 'INFO')));
  }

  async clusterFailover(target: RedisTarget): Promise<void> {
    // Manual failover from a replica: the master stops writes, the replica catches up, then they swap — no acked
    // write is lost (redis.io CLUSTER FAILOVER, default mode).
    await this.#withClient(target, 'CLUSTER FAILOVER', (client) => client.call('CLUSTER', 'FAILOVER'));
  }

  sentinelPrimary(target: RedisTarget, masterName: string): Promise<{ host: string; port: number } | undefined> {
    return this.#withClient(target, 'SENTINEL get-master-addr-by-name', async (client) => {
      const addr = (await client.call('SENTINEL', 'get-master-addr-by-name', masterName)) as [string, string] | null;
      return addr === null ? undefined : { host: addr[0], port: Number(addr[1]) };
    });
  }

  async sentinelFailover(target: RedisTarget, masterName: string): Promise<void> {
    await this.#withClient(target, 'SENTINEL FAILOVER', (client) => client.call('SENTINEL', 'FAILOVER', masterName));
  }

  async sentinelFailoverInProgress(target: RedisTarget, masterName: string): Promise<boolean> {
    return this.#withClient(target, 'SENTINEL MASTER', async (client) => {
      const master = pairsToRecord((await client.call('SENTINEL', 'MASTER', masterName)) as unknown[]);
      return (master['flags'] ?? '').split(',').includes('failover_in_progress');
    });
  }

  async pauseWrites(target: RedisTarget, ms: number): Promise<void> {
    await this.#withClient(target, 'CLIENT PAUSE WRITE', (client) =>
      client.call('CLIENT', 'PAUSE', String(ms), 'WRITE'),
    );
  }

  async resumeWrites(target: RedisTarget): Promise<void> {
    await this.#withClient(target, 'CLIENT UNPAUSE', (client) => client.call('CLIENT', 'UNPAUSE'));
  }

  async replicaOf(target: RedisTarget, host: string, port: number): Promise<void> {
    await this.#withClient(target, 'REPLICAOF', (client) => client.call('REPLICAOF', host, String(port)));
  }

  async aclSetUser(target: RedisTarget, args: readonly string[]): Promise<void> {
    await aclCommand(this.#withClient, target, 'ACL SETUSER', args[0], (client) =>
      client.call('ACL', 'SETUSER', ...args),
    );
  }

  async aclDelUser(target: RedisTarget, users: readonly string[]): Promise<number> {
    if (users.length === 0) return 0;
    return Number(
      await aclCommand(this.#withClient, target, 'ACL DELUSER', undefined, (c) => c.call('ACL', 'DELUSER', ...users)),
    );
  }

  async aclGetUser(target: RedisTarget, user: string): Promise<AclUserReply | undefined> {
    return parseAclGetUser(
      await aclCommand(this.#withClient, target, 'ACL GETUSER', user, (c) => c.call('ACL', 'GETUSER', user)),
    );
  }

  async aclList(target: RedisTarget): Promise<string[]> {
    const lines = await aclCommand(this.#withClient, target, 'ACL LIST', undefined, (c) => c.call('ACL', 'LIST'));
    return (lines as unknown[]).map((l) => (Buffer.isBuffer(l) ? l.toString('utf8') : String(l)));
  }
}

/**
 * An ACL command: the server's refusal (a RESP error reply) becomes AclCommandRefusedError with the engine's words,
 * the quoted modifier redacted when it may be a password; it is decided inside the connection so that withClient
 * (which makes every failure retryable) only sees transport problems. The arguments are never put in a message.
 */
async function aclCommand(
  withClient: WithClient,
  target: RedisTarget,
  what: string,
  user: string | undefined,
  run: (client: Redis) => Promise<unknown>,
): Promise<unknown> {
  const outcome = await withClient<{ reply: unknown } | { refused: string }>(target, what, async (client) => {
    try {
      return { reply: await run(client) };
    } catch (err) {
      if ((err as Error).name === 'ReplyError') return { refused: redactAclReply((err as Error).message) };
      throw err;
    }
  });
  if ('refused' in outcome) throw new AclCommandRefusedError(what, user, outcome.refused);
  return outcome.reply;
}
