import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisProcess } from './redis-process.ts';
import { PodIpAllocator } from './ip-allocator.ts';
import { planRedisStart, rewritePaths } from './kubedb-redis-start.ts';
import { expandVars } from './container-env.ts';
import { pingRedis } from './redis-ping.ts';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

void describe('redis-server process management', async () => {
  const root = await mkdtemp(join(tmpdir(), 'kubelet-proc-'));
  const procs: RedisProcess[] = [];
  after(async () => {
    await Promise.all(procs.map((p) => p.stop(0)));
    await rm(root, { recursive: true, force: true });
  });
  const ips = new PodIpAllocator();

  async function startFrom(conf: string, name: string, password: string): Promise<{ proc: RedisProcess; ip: string }> {
    const podRoot = join(root, name);
    const configDir = join(podRoot, 'config');
    const dataDir = join(podRoot, 'data');
    await mkdir(configDir, { recursive: true });
    await writeFile(join(configDir, 'default.conf'), conf);
    const ip = await ips.allocate(name);
    const mounts = new Map([
      ['/usr/local/etc/redis', configDir],
      ['/data', dataDir],
    ]);
    const plan = await planRedisStart({
      image: 'redis:8.2.2',
      mounts,
      env: { REDIS_PASSWORD: password },
      containerArgs: [],
      podIP: ip,
      podRoot,
    });
    const proc = RedisProcess.start({
      configFile: plan.configFile,
      args: plan.args,
      cwd: plan.dataDir,
      logFile: join(podRoot, 'log'),
    });
    procs.push(proc);
    return { proc, ip };
  }

  void it('runs redis-server on its own 127.10.x.y address with the mounted config, and stops it', async () => {
    const { proc, ip } = await startFrom(
      'dir /data\nappendonly yes\nprotected-mode no\nmaxclients 500\n',
      'good',
      's3cret',
    );
    assert.match(ip, /^127\.10\.\d+\.\d+$/);
    assert.equal(await proc.waitReady(ip, 6379, 's3cret', { deadlineMs: 5000, intervalMs: 20 }), true);
    assert.equal(await pingRedis(ip, 6379, 'wrong'), false, 'requirepass is in force');
    await proc.stop(5000);
    assert.equal(alive(proc.pid), false);
    assert.equal(await pingRedis(ip, 6379, 's3cret'), false);
  });

  void it('captures redis-server own error for a bad directive', async () => {
    const { proc, ip } = await startFrom('maxclients notanumber\n', 'bad', 'pw');
    assert.equal(await proc.waitReady(ip, 6379, 'pw', { deadlineMs: 5000, intervalMs: 20 }), false);
    const exit = await proc.exited;
    assert.equal(exit.code, 1);
    assert.match(exit.output, /FATAL CONFIG FILE ERROR/);
    assert.match(exit.output, /maxclients notanumber/);
  });

  void it('SIGKILLs a process that ignores SIGTERM past the grace period', async () => {
    const { proc, ip } = await startFrom('dir /data\n', 'stubborn', 'pw');
    assert.equal(await proc.waitReady(ip, 6379, 'pw', { deadlineMs: 5000, intervalMs: 20 }), true);
    process.kill(proc.pid, 'SIGSTOP'); // a stopped process cannot act on SIGTERM
    const exit = await proc.stop(100);
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal(alive(proc.pid), false);
  });
});

void describe('KubeDB start-script emulation', () => {
  void it('rewrites container paths of path directives to host mounts, keeping line numbers', () => {
    const table = new Map([['/data', '/host/data']]);
    assert.equal(
      rewritePaths('dir /data\nmaxclients 5\ndir "/data/x"\ndir /elsewhere', table),
      'dir /host/data\nmaxclients 5\ndir /host/data/x\ndir /elsewhere',
    );
  });
  void it('expands $(VAR) like Kubernetes', () => {
    assert.equal(expandVars('--requirepass $(P) $$(P) $(UNKNOWN)', { P: 'x' }), '--requirepass x $(P) $(UNKNOWN)');
  });
  void it('copies default.conf into the data dir before starting (on-start.sh)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubelet-plan-'));
    try {
      await mkdir(join(dir, 'cfg'));
      await writeFile(join(dir, 'cfg', 'default.conf'), 'dir /data\n');
      const mounts = new Map([
        ['/usr/local/etc/valkey', join(dir, 'cfg')],
        ['/data', join(dir, 'd')],
      ]);
      const plan = await planRedisStart({
        image: 'valkey/valkey:8.1.1',
        mounts,
        env: {},
        containerArgs: [],
        podIP: '127.10.0.1',
        podRoot: dir,
      });
      assert.equal(plan.configFile, join(dir, 'd', 'default.conf'));
      assert.equal(await readFile(plan.configFile, 'utf8'), `dir ${join(dir, 'd')}\n`);
      assert.equal(plan.wantsValkey, true);
      assert.deepEqual(plan.args.slice(0, 2), ['--bind', '127.10.0.1']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
