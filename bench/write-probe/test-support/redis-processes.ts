/**
 * Real redis-server processes for the probe's tests: each on its own loopback IP in 127.10.240.0–127.10.249.255
 * (the range reserved for these tests) with a random port, retried when the address is taken.
 * Every process started is tracked so `stopAll()` can kill it and `assertNoOrphans()` can prove it is gone.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export class RedisProcessError extends Error {
  override name = 'RedisProcessError';
}

export interface RedisNode {
  host: string;
  port: number;
  dir: string;
  confPath: string;
  sentinel: boolean;
  process: ChildProcess;
  /** Everything the process printed (logfile ""), for failure messages. */
  log: string[];
}

const started = new Set<ChildProcess>();
const dirs: string[] = [];

export function randomLoopbackIp(): string {
  return `127.10.${240 + Math.floor(Math.random() * 10)}.${1 + Math.floor(Math.random() * 254)}`;
}

const randomPort = (maxPort: number): number => 20000 + Math.floor(Math.random() * (maxPort - 20000));

/** True once something accepts TCP on host:port and answers a PING (+PONG, or -NOAUTH when a password is set). */
async function answersPing(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(/^[+-]/.test(data.toString())));
  });
}

function exited(proc: ChildProcess): boolean {
  return proc.exitCode !== null || proc.signalCode !== null;
}

/** Spawns redis-server on an existing config; resolves when it answers, rejects (with its log) if it exits. */
async function launch(node: Omit<RedisNode, 'process' | 'log'>, timeoutMs = 10_000): Promise<RedisNode> {
  const args = node.sentinel ? [node.confPath, '--sentinel'] : [node.confPath];
  const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(proc);
  const log: string[] = [];
  proc.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
  proc.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (exited(proc))
      throw new RedisProcessError(`redis-server ${node.host}:${node.port} exited: ${log.join('').slice(-800)}`);
    if (await answersPing(node.host, node.port)) return { ...node, process: proc, log };
    await sleep(50);
  }
  proc.kill('SIGKILL');
  throw new RedisProcessError(`redis-server ${node.host}:${node.port} did not answer within ${timeoutMs} ms`);
}

export interface StartOptions {
  /** Extra redis.conf lines (or a function of the node's IP, for *-announce-ip); `port`, `bind`, `dir` and logging are set here. */
  config?: string[] | ((host: string) => string[]);
  sentinel?: boolean;
  host?: string;
  /** Highest port to pick (default 60000); Cluster nodes need port + 10000 free for the cluster bus. */
  maxPort?: number;
}

/** Starts a new redis-server (or Sentinel), retrying with another port/IP when the address is in use. */
export async function startRedis(options: StartOptions = {}): Promise<RedisNode> {
  const dir = await mkdtemp(join(tmpdir(), 'write-probe-redis-'));
  dirs.push(dir);
  const extraConfig = (host: string): string[] =>
    typeof options.config === 'function' ? options.config(host) : (options.config ?? []);
  let lastError: unknown;
  for (let attempt = 0; attempt < 10; attempt++) {
    const host = options.host ?? randomLoopbackIp();
    const port = randomPort(options.maxPort ?? 60000);
    const confPath = join(dir, options.sentinel ? 'sentinel.conf' : 'redis.conf');
    // bind-source-addr (Redis 7): replication, cluster-bus and Sentinel connections leave from the node's own IP,
    // not 127.0.0.1, so every peer sees the address the node announces.
    const lines = [
      `bind ${host}`,
      `bind-source-addr ${host}`,
      `port ${port}`,
      `dir ${dir}`,
      'logfile ""',
      'protected-mode no',
      'save ""',
      ...extraConfig(host),
    ];
    await writeFile(confPath, lines.join('\n') + '\n');
    try {
      return await launch({ host, port, dir, confPath, sentinel: options.sentinel ?? false });
    } catch (err) {
      lastError = err;
      if (!(err instanceof RedisProcessError && /Address already in use|EADDRINUSE/i.test(err.message))) throw err;
    }
  }
  throw new RedisProcessError(`no free address after 10 attempts: ${String(lastError)}`);
}

/** Starts the same server again (same address, config and data dir), e.g. after `stopNode`. */
export async function restartRedis(node: RedisNode): Promise<RedisNode> {
  return launch({ host: node.host, port: node.port, dir: node.dir, confPath: node.confPath, sentinel: node.sentinel });
}

/** Sends `signal` and waits for the process to exit. */
export async function stopNode(node: RedisNode, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<void> {
  const proc = node.process;
  if (exited(proc)) return;
  const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill(signal);
  const cancelTimer = new AbortController();
  const timer = sleep(timeoutMs, 'timeout' as const, { signal: cancelTimer.signal }).catch(() => 'cancelled' as const);
  const first = await Promise.race([gone.then(() => 'exited' as const), timer]);
  cancelTimer.abort(); // so the pending timer does not keep the test process alive
  if (first === 'timeout') {
    proc.kill('SIGKILL');
    await gone;
  }
}

/** SIGKILLs every process these helpers started and removes their data dirs. */
export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((proc) => stopNode({ process: proc } as RedisNode, 'SIGKILL')));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Throws if any process these helpers started is still alive (signal 0 probes existence without killing). */
export function assertNoOrphans(): void {
  const alive = [...started].filter((proc) => {
    if (proc.pid === undefined) return false;
    try {
      process.kill(proc.pid, 0);
      return true;
    } catch {
      return false; // ESRCH: the process no longer exists
    }
  });
  if (alive.length > 0) throw new RedisProcessError(`orphan redis-server pids: ${alive.map((p) => p.pid).join(', ')}`);
}
