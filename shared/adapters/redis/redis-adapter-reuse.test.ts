/**
 * The functions' connection reuse (idle-connections.ts) on a real redis-server: consecutive commands to one pod within
 * the window share one connection (the server's own count of connections received says so), a command after the
 * window opens a new one, a refused command's connection is not reused, another password is another connection, and
 * without the option every command has its own connection, as before.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { PodIpAllocator } from '../../../infra/local/controllers/kubelet/ip-allocator.ts';
import { RedisProcess } from '../../../infra/local/controllers/kubelet/redis-process.ts';
import { RedisCommandRefusedError, UnavailableError } from '../../errors.ts';
import type { RedisTarget } from '../../steps/ports.ts';
import { RedisAdapter } from './redis-adapter.ts';

const PASSWORD = 'operator-pw';

void describe('Redis adapter connection reuse on redis-server', async () => {
  const root = await mkdtemp(join(tmpdir(), 'redis-reuse-'));
  let proc: RedisProcess;
  let target: RedisTarget;
  // A fresh client per read of the server's counter, so that reading it adds exactly one connection.
  async function connectionsReceived(): Promise<number> {
    const client = new Redis({ host: target.host, port: target.port, password: PASSWORD, lazyConnect: true });
    await client.connect();
    try {
      return Number(/total_connections_received:(\d+)/.exec(await client.info('stats'))?.[1]);
    } finally {
      client.disconnect();
    }
  }

  before(async () => {
    const ip = await new PodIpAllocator().allocate('reuse');
    await writeFile(join(root, 'r.conf'), `dir ${root}\nsave ""\nappendonly no\n`);
    proc = RedisProcess.start({
      configFile: join(root, 'r.conf'),
      args: ['--requirepass', PASSWORD, '--bind', ip, '--port', '6379'],
      cwd: root,
      logFile: join(root, 'r.log'),
    });
    assert.equal(await proc.waitReady(ip, 6379, PASSWORD, { deadlineMs: 10_000, intervalMs: 20 }), true);
    target = { host: ip, port: 6379, password: PASSWORD };
  });
  after(async () => {
    await proc.stop(2000);
    await rm(root, { recursive: true, force: true });
  });

  /** Connections the server received while `work` ran (the probe's own read excluded). */
  async function connectionsDuring(work: () => Promise<unknown>): Promise<number> {
    const before = await connectionsReceived();
    await work();
    return (await connectionsReceived()) - before - 1;
  }

  void it('within the window, CONFIG SET then CONFIG GET (live apply on one pod) use one connection', async () => {
    let now = 0;
    const adapter = new RedisAdapter({ reuseForMs: 1000, now: () => now });
    const opened = await connectionsDuring(async () => {
      await adapter.configSet(target, ['maxclients', '600']);
      now += 999;
      assert.deepEqual(await adapter.configGet(target, ['maxclients']), { maxclients: '600' });
    });
    assert.equal(opened, 1);
  });

  void it('after the window (e.g. an environment thawed later), a command opens a new connection', async () => {
    let now = 0;
    const adapter = new RedisAdapter({ reuseForMs: 1000, now: () => now });
    const opened = await connectionsDuring(async () => {
      await adapter.configGet(target, ['maxclients']);
      now += 1000;
      await adapter.configGet(target, ['maxclients']);
    });
    assert.equal(opened, 2);
  });

  void it('a refused command is still the engine’s answer, and its connection is not reused', async () => {
    const adapter = new RedisAdapter({ reuseForMs: 1000, now: () => 0 });
    const opened = await connectionsDuring(async () => {
      await assert.rejects(adapter.configSet(target, ['maxclients', 'many']), RedisCommandRefusedError);
      await adapter.configGet(target, ['maxclients']);
    });
    assert.equal(opened, 2);
  });

  void it('another password is another connection (a rotated credential is used, not an old session)', async () => {
    const adapter = new RedisAdapter({ reuseForMs: 1000, now: () => 0 });
    await adapter.configGet(target, ['maxclients']);
    await assert.rejects(adapter.configGet({ ...target, password: 'rotated' }, ['maxclients']), UnavailableError);
  });

  void it('without reuse (the CLI, the tests), every command has its own connection', async () => {
    const adapter = new RedisAdapter();
    const opened = await connectionsDuring(async () => {
      await adapter.configSet(target, ['maxclients', '601']);
      await adapter.configGet(target, ['maxclients']);
    });
    assert.equal(opened, 2);
  });
});
