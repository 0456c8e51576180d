/**
 * One real redis-server process: spawn, capture its output (the last bytes become the container's termination
 * message, like the kubelet's FallbackToLogsOnError: last 80 lines / 2048 bytes), wait for an authenticated PING,
 * and stop it the way the kubelet stops a container (SIGTERM, grace period, SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { pingRedis } from './redis-ping.ts';

interface RedisProcessSpec {
  binary?: string;
  /** The config file redis-server reads first. */
  configFile: string;
  /** Arguments after the file: redis-server applies them after the file, so they override its directives. */
  args: string[];
  cwd: string;
  /** Where stdout+stderr are appended (the pod's log file). */
  logFile?: string;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The tail of what the process printed. */
  output: string;
  startedAt: Date;
  finishedAt: Date;
}

const TAIL_BYTES = 2048;
const TAIL_LINES = 80;

export class RedisProcess {
  readonly pid: number;
  readonly startedAt = new Date();
  readonly exited: Promise<ProcessExit>;
  private readonly child: ChildProcess;
  private tail = '';
  private exit: ProcessExit | undefined;
  private readonly log: WriteStream | undefined;

  private constructor(child: ChildProcess, logFile: string | undefined) {
    this.child = child;
    this.pid = child.pid ?? -1;
    this.log = logFile ? createWriteStream(logFile, { flags: 'a' }) : undefined;
    const capture = (chunk: Buffer): void => {
      this.tail = (this.tail + chunk.toString('utf8')).slice(-4 * TAIL_BYTES);
      this.log?.write(chunk);
    };
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    this.exited = new Promise((resolve) => {
      // 'close' (not 'exit') fires after stdio is drained, so the tail holds the process's last words.
      child.on('close', (code, signal) => {
        this.exit = { code, signal, output: this.outputTail(), startedAt: this.startedAt, finishedAt: new Date() };
        this.log?.end();
        resolve(this.exit);
      });
    });
  }

  static start(spec: RedisProcessSpec): RedisProcess {
    const child = spawn(spec.binary ?? 'redis-server', [spec.configFile, ...spec.args], {
      cwd: spec.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, as a container is isolated from the kubelet: a Ctrl-C of `npm run local` signals
      // the terminal's foreground group, and must not reach the pods (read as a failing config, it rolled runs back).
      detached: true,
    });
    const proc = new RedisProcess(child, spec.logFile);
    // A spawn failure (ENOENT) surfaces as 'error' followed by 'close'; keep it in the output so it is reported.
    child.on('error', (err) => {
      proc.tail += `\n${err.name}: ${err.message}\n`;
    });
    return proc;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  outputTail(): string {
    const lines = this.tail.trimEnd().split('\n').slice(-TAIL_LINES).join('\n');
    return lines.slice(-TAIL_BYTES).trim();
  }

  /**
   * Poll an authenticated PING until it answers (true), the process exits or the deadline passes (false).
   * redis-server is up in ~15 ms, so a short interval keeps the pod's Ready transition prompt.
   */
  async waitReady(
    host: string,
    port: number,
    password: string | undefined,
    opts: { deadlineMs: number; intervalMs: number; tls?: ConnectionOptions | undefined },
  ): Promise<boolean> {
    const deadline = Date.now() + opts.deadlineMs;
    while (this.running && Date.now() < deadline) {
      if (await pingRedis(host, port, password, Math.max(100, opts.intervalMs * 4), opts.tls)) return this.running;
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, opts.intervalMs))]);
    }
    return false;
  }

  /** SIGTERM, then SIGKILL after graceMs. Resolves once the process is gone. */
  async stop(graceMs: number): Promise<ProcessExit> {
    if (this.exit) return this.exit;
    this.signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        if (this.running) this.signal('SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited, killed]);
    clearTimeout(timer);
    return this.exited;
  }

  /** To the whole process group (a BGSAVE child included), as the container runtime stops every process in it. */
  private signal(sig: NodeJS.Signals): void {
    if (this.pid <= 0) {
      this.child.kill(sig); // the spawn failed: there is no process group
      return;
    }
    try {
      process.kill(-this.pid, sig);
    } catch (err) {
      // ESRCH: the group is gone already (its 'close' is on the way); anything else is a real failure.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
}
