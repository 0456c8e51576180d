/**
 * Test support (imported by the redis-server boundary tests only): runs the real redis-server on loopback, either to
 * its exit (a config it refuses at start) or listening on a random port (retried when the port is taken).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';

export const HOST = '127.10.250.1';
export const DEADLINE_MS = 10_000;

interface Exit {
  code: number | null;
  output: string;
}

export function runToExit(args: string[], cwd: string, binary = 'redis-server'): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const proc = spawn(binary, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.on('data', (b: Buffer) => (output += b.toString()));
    proc.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${binary} ${args.join(' ')} did not exit within ${DEADLINE_MS} ms:\n${output}`));
    }, DEADLINE_MS);
    proc.on('error', reject);
    // 'close', not 'exit': only then has all of stdout/stderr been read.
    proc.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Resolves once a TCP connection to host:port succeeds, or rejects at the deadline (bounded polling, no sleeps for timing). */
async function waitForPort(
  port: number,
  proc: ChildProcess,
  deadline: number,
): Promise<'ready' | 'exited' | 'timeout'> {
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) return 'exited';
    const up = await new Promise<boolean>((resolve) => {
      const sock = connect({ host: HOST, port }, () => {
        sock.destroy();
        resolve(true);
      });
      sock.on('error', () => resolve(false));
    });
    if (up) return 'ready';
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return proc.exitCode !== null ? 'exited' : 'timeout';
}

/** Starts redis-server (or valkey-server) on a random port; retries when the port is taken (redis needs a fixed port number). */
export async function startServer(
  conf: (port: number) => string,
  dir: string,
  started: ChildProcess[],
  binary = 'redis-server',
): Promise<number> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const path = join(dir, `redis-${port}.conf`);
    writeFileSync(path, conf(port));
    const proc = spawn(binary, [path], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(proc); // killed in after(), whatever happens here
    let output = '';
    proc.stdout.on('data', (b: Buffer) => (output += b.toString()));
    proc.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    const state = await waitForPort(port, proc, Date.now() + DEADLINE_MS);
    if (state === 'ready') return port;
    if (state === 'timeout') throw new Error(`redis-server not reachable within ${DEADLINE_MS} ms:\n${output}`);
    await exited;
    if (!/Address already in use/.test(output)) throw new Error(`redis-server refused the config:\n${output}`);
  }
  throw new Error('no free port found after 8 attempts');
}
