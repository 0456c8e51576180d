/**
 * Main-thread side of one execution environment. Enforces the function timeout the way Lambda does: the
 * environment is stopped (the worker is terminated, even mid-computation) and the invocation counts as failed;
 * the next invocation gets a fresh environment with a new init phase.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { InvokeReply, SerializedError, WorkerConfig, WorkerReply } from './worker-protocol.ts';

export type InvocationResult =
  | { status: 'ok'; response: unknown; cpuMs: number }
  /** The handler threw / rejected (phase `invoke`) or the bundle failed to load (phase `init`). */
  | { status: 'error'; phase: 'init' | 'invoke'; error: SerializedError; cpuMs?: number }
  | { status: 'timeout' }
  /** The worker died (uncaught exception, unhandled rejection, out of memory, process.exit, terminated by stop). */
  | { status: 'crashed'; error: SerializedError };

interface ExecutionEnvironmentOptions {
  config: WorkerConfig;
  env: Record<string, string>;
  onLog: (stream: 'stdout' | 'stderr', line: string) => void;
}

const WORKER_ENTRY = new URL('./worker-entry.ts', import.meta.url);
/** Lambda's limit on the init phase (module import), which does not count against the function timeout. */
const INIT_TIMEOUT_MS = 10_000;

interface Invocation {
  result: InvocationResult;
  /** Handler time only, as Lambda's REPORT "Duration". */
  durationMs: number;
  /** Set on the invocation that waited for the init phase (a cold start), as Lambda's "Init Duration". */
  initDurationMs?: number;
}

type InitOutcome = { ok: true } | { ok: false; result: InvocationResult };

interface Pending {
  requestId: string;
  resolve: (result: InvocationResult) => void;
  timer: NodeJS.Timeout;
}

let nextEnvironmentId = 1;

export class ExecutionEnvironment {
  readonly id = nextEnvironmentId++;
  invocations = 0;
  private alive = true;
  private busy = false;
  private readonly worker: Worker;
  private pending: Pending | undefined;
  private readonly initialized: Promise<InitOutcome>;
  private settleInit: (outcome: InitOutcome) => void = () => undefined;
  private readonly initTimer: NodeJS.Timeout;
  private readonly createdAt = performance.now();
  private initDurationMs: number | undefined;

  constructor(options: ExecutionEnvironmentOptions) {
    this.initialized = new Promise((resolve) => {
      this.settleInit = resolve;
    });
    this.initTimer = setTimeout(() => {
      this.fail({
        status: 'error',
        phase: 'init',
        error: { name: 'InitTimeout', message: `init phase exceeded ${INIT_TIMEOUT_MS} ms` },
      });
    }, INIT_TIMEOUT_MS);
    this.worker = new Worker(WORKER_ENTRY, {
      workerData: options.config,
      // Not the parent's flags (e.g. node --test's): an execution environment is a plain runtime.
      execArgv: [],
      env: options.env,
      stdout: true,
      stderr: true,
      // Lambda's memory setting is a hard limit: exceeding it ends the environment.
      resourceLimits: { maxOldGenerationSizeMb: options.config.memoryLimitInMB },
    });
    forwardLines(this.worker.stdout, (line) => options.onLog('stdout', line));
    forwardLines(this.worker.stderr, (line) => options.onLog('stderr', line));
    this.worker.on('message', (reply: WorkerReply) => this.onReply(reply));
    this.worker.on('error', (error: Error) =>
      this.die({ name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) }),
    );
    this.worker.on('exit', (code) =>
      this.die({ name: 'WorkerExited', message: `execution environment exited with code ${code}` }),
    );
  }

  get usable(): boolean {
    return this.alive;
  }

  async invoke(requestId: string, event: unknown, timeoutMs: number): Promise<Invocation> {
    if (this.busy) throw new Error(`environment ${this.id} is busy: Lambda runs one invocation per environment`);
    this.busy = true;
    try {
      const cold = this.invocations++ === 0;
      const init = await this.initialized;
      const initDurationMs = cold && this.initDurationMs !== undefined ? { initDurationMs: this.initDurationMs } : {};
      if (!init.ok) return { result: init.result, durationMs: 0, ...initDurationMs };
      const started = performance.now();
      const result = await this.run(requestId, event, timeoutMs);
      return { result, durationMs: performance.now() - started, ...initDurationMs };
    } finally {
      this.busy = false;
    }
  }

  async terminate(): Promise<void> {
    this.alive = false;
    clearTimeout(this.initTimer);
    await this.worker.terminate();
  }

  private run(requestId: string, event: unknown, timeoutMs: number): Promise<InvocationResult> {
    if (!this.alive)
      return Promise.resolve({ status: 'crashed', error: { name: 'WorkerExited', message: 'environment is gone' } });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.alive = false;
        this.pending = undefined;
        resolve({ status: 'timeout' });
        this.terminateQuietly();
      }, timeoutMs);
      this.pending = { requestId, resolve, timer };
      this.worker.postMessage({ requestId, event, deadline: Date.now() + timeoutMs });
    });
  }

  private onReply(reply: WorkerReply): void {
    if (reply.type === 'ready') {
      clearTimeout(this.initTimer);
      this.initDurationMs = performance.now() - this.createdAt;
      this.settleInit({ ok: true });
    } else if (reply.type === 'init-error') {
      // Lambda resets the environment after an init error, so the next invocation runs init again.
      this.fail({ status: 'error', phase: 'init', error: reply.error });
    } else {
      this.settle(reply.requestId, toResult(reply));
    }
  }

  /** Ends the environment before or during init. */
  private fail(result: InvocationResult): void {
    clearTimeout(this.initTimer);
    this.alive = false;
    this.settleInit({ ok: false, result });
    this.terminateQuietly();
  }

  private terminateQuietly(): void {
    this.worker
      .terminate()
      .catch((error: unknown) => console.error(`[lambda-runner] terminating environment ${this.id}:`, error));
  }

  private settle(requestId: string, result: InvocationResult): void {
    const pending = this.pending;
    if (!pending || pending.requestId !== requestId) return;
    clearTimeout(pending.timer);
    this.pending = undefined;
    pending.resolve(result);
  }

  private die(error: SerializedError): void {
    this.alive = false;
    clearTimeout(this.initTimer);
    this.settleInit({ ok: false, result: { status: 'crashed', error } });
    if (this.pending) this.settle(this.pending.requestId, { status: 'crashed', error });
  }
}

function toResult(reply: InvokeReply): InvocationResult {
  return reply.ok
    ? { status: 'ok', response: reply.response, cpuMs: reply.cpuMs }
    : { status: 'error', phase: 'invoke', error: reply.error, cpuMs: reply.cpuMs };
}

function forwardLines(stream: Readable, onLine: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
}
