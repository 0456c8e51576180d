/**
 * Each redis-server runs in its own process group (redis-process.ts), as a container is apart from its kubelet: a
 * Ctrl-C of `npm run local` (SIGINT to the terminal's foreground process group, the stack's) must not reach the
 * pods — the stack stops them itself, and a pod killed under a run was read as a failing config and rolled back.
 * A child process plays the stack: it starts a redis-server, the test sends SIGINT to the child's whole group, and
 * the redis-server must survive it, then stop (with its group) when the stack stops it.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { waitFor } from '../../wait.ts';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The "stack": starts one RedisProcess, reports its pid, ignores SIGINT (it would start an orderly stop), stops on SIGTERM. */
const STACK = (dir: string) => `
import { RedisProcess } from ${JSON.stringify(new URL('./redis-process.ts', import.meta.url).pathname)};
const proc = RedisProcess.start({ configFile: ${JSON.stringify(join(dir, 'redis.conf'))}, args: ['--port', '0', '--unixsocket', ${JSON.stringify(join(dir, 'redis.sock'))}], cwd: ${JSON.stringify(dir)} });
process.on('SIGINT', () => console.log('sigint'));
process.on('SIGTERM', async () => { await proc.stop(2000); console.log('stopped'); process.exit(0); });
console.log('pid ' + proc.pid);
setInterval(() => {}, 1000);
`;

void describe('kubelet: redis-server in its own process group', () => {
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  void it('a SIGINT to the stack’s process group does not reach the pod; stopping the pod stops it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubelet-pgroup-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'redis.conf'), `dir ${dir}\n`);
    // detached: the "stack" leads its own group, like a shell job, so the test can signal that whole group.
    const stack: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', STACK(dir)], {
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: string[] = [];
    createInterface({ input: stack.stdout! }).on('line', (l) => lines.push(l));
    let redisPid = 0;
    cleanups.push(async () => {
      if (alive(stack.pid!)) process.kill(stack.pid!, 'SIGKILL');
      if (redisPid > 0 && alive(redisPid)) process.kill(redisPid, 'SIGKILL');
    });
    const said = (prefix: string) =>
      waitFor(`the stack saying ${prefix}`, async () => lines.find((l) => l.startsWith(prefix)), { timeoutMs: 10_000 });

    redisPid = Number((await said('pid ')).slice(4));
    assert.ok(redisPid > 0 && alive(redisPid));
    process.kill(-stack.pid!, 'SIGINT'); // what the terminal does on Ctrl-C: the whole foreground group
    await said('sigint');
    assert.equal(alive(redisPid), true, 'the redis-server did not get the SIGINT');

    process.kill(stack.pid!, 'SIGTERM');
    await said('stopped');
    await waitFor('the redis-server gone', async () => (alive(redisPid) ? undefined : true), { timeoutMs: 10_000 });
  });
});
