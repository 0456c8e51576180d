/**
 * `npm run local -- --fresh` after a crash of the previous run: the redis-servers that run left behind are killed, not
 * orphaned by wiping the pid files that identify them. The leftover is a real redis-server started the way the kubelet
 * starts one (working directory and config in the pod's data dir, pid file in the pod root, listening on TCP so that
 * it rewrites its command line), detached from this process as it would be from a crashed `npm run local`.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../../stack.ts';
import { isProcessAlive, waitFor } from './harness.ts';
import { pingRedis } from '../kubelet/redis-ping.ts';

/** A port nothing listens on now (the kernel picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server as a crashed kubelet leaves it: <kubelet>/volumes/<ns>/data-<pod>/ and <kubelet>/pods/<ns>/<pod>/redis.pid. */
async function leftoverRedis(stateDir: string): Promise<{ pid: number; port: number }> {
  const dataDir = join(stateDir, 'kubelet/volumes/demo/data-rd-0');
  const podRoot = join(stateDir, 'kubelet/pods/demo/rd-0');
  await mkdir(dataDir, { recursive: true });
  await mkdir(podRoot, { recursive: true });
  const port = await freePort();
  await writeFile(
    join(dataDir, 'default.conf'),
    `bind 127.0.0.1\nport ${port}\ndir ${dataDir}\nsave ""\nappendonly no\n`,
  );
  const child = spawn('redis-server', [join(dataDir, 'default.conf')], {
    cwd: dataDir,
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  const pid = child.pid!;
  await writeFile(join(podRoot, 'redis.pid'), String(pid));
  await waitFor(
    'leftover redis-server answers',
    async () => ((await pingRedis('127.0.0.1', port, undefined)) ? true : undefined),
    5000,
  );
  // What makes it hard to find: its command line no longer names the stateDir (proc title "redis-server 127.0.0.1:<port>").
  assert.doesNotMatch(await readFile(`/proc/${pid}/cmdline`, 'utf8'), new RegExp(stateDir));
  return { pid, port };
}

void describe('local stack: --fresh', () => {
  const dirs: string[] = [];
  const pids: number[] = [];
  after(async () => {
    for (const pid of pids) if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL'); // the test failed: do not leak it
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  void it('kills the redis-servers a crashed run left behind before wiping the state', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'local-fresh-'));
    dirs.push(stateDir);
    const { pid, port } = await leftoverRedis(stateDir);
    pids.push(pid);
    const stack = await startLocalStack({ stateDir, fresh: true, pipeline: false });
    try {
      await waitFor('leftover redis-server gone', async () => (isProcessAlive(pid) ? undefined : true), 5000);
      assert.equal(await pingRedis('127.0.0.1', port, undefined), false);
    } finally {
      await stack.stop();
    }
  });

  void it('without --fresh, the kubelet kills them when it starts (found although their command line was rewritten)', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'local-restart-'));
    dirs.push(stateDir);
    const { pid } = await leftoverRedis(stateDir);
    pids.push(pid);
    const stack = await startLocalStack({ stateDir, pipeline: false });
    try {
      await waitFor('leftover redis-server gone', async () => (isProcessAlive(pid) ? undefined : true), 5000);
    } finally {
      await stack.stop();
    }
  });
});
