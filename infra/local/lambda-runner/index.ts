/**
 * Local Lambda runner: for every function in serverless.yml, behaves like Lambda's SQS event-source mapping and
 * invokes the BUILT bundle (`dist/<name>/index.mjs`) in worker-thread "execution environments" that carry the
 * function's own environment, as deployed (queue `!Ref`s resolved to the local queue URLs, topic `!Ref`s to the
 * local topic ARNs).
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { loadServerlessConfig, PROJECT_ROOT, resolveEnvironment, type FunctionConfig } from '../serverless-config.ts';
import type { InvocationEndEvent, RunnerEvents } from './events.ts';
import { ExecutionEnvironment } from './execution-environment.ts';
import { FunctionPool } from './function-pool.ts';
import { runPoller, type PollerContext } from './sqs-poller.ts';
import type { WorkerConfig } from './worker-protocol.ts';

export type * from './events.ts';
export { judgeBatchResponse, type BatchVerdict } from './batch-response.ts';
export type { SqsBatchResponse, SqsEvent, SqsRecord } from './sqs-event.ts';

class LambdaRunnerError extends Error {
  override name = 'LambdaRunnerError';
}

interface LambdaRunnerSqs {
  endpoint: string;
  client: SQSClient;
  queueUrls: Record<string, string>;
  queueArns: Record<string, string>;
  /** SNS topics on the same emulator endpoint, by logical id (`!Ref EventsTopic` in a function's environment). */
  topicArns?: Record<string, string>;
  region?: string;
}

export interface StartLambdaRunnerOptions {
  serverlessYml?: string;
  stage?: string;
  /** Where `<bundleName>/index.mjs` live. Default: `<project>/dist`. */
  distDir?: string;
  sqs: LambdaRunnerSqs;
  /** Extra environment for every function; wins over serverless.yml. */
  env?: Record<string, string>;
  /** Only these functions (serverless.yml keys). Default: all. */
  functions?: string[];
  /** Max concurrent invocations (= environments) per function. Default: reservedConcurrency, else the mapping's maximumConcurrency, else 2. */
  concurrency?: number | Record<string, number>;
  /** Do not print handler output and REPORT lines (events are still emitted). */
  quiet?: boolean;
  /**
   * Also append each function's output and REPORT lines to `<logDir>/<function>.log` (one file per function, as a
   * CloudWatch log group is one per function). Independent of `quiet`.
   */
  logDir?: string;
  /** ReceiveMessage WaitTimeSeconds. Default 1: bounds how long stop() waits for an idle long poll. */
  pollWaitSeconds?: number;
  /** Bound on waiting for in-flight batches in stop(). Default: the longest function timeout + 5 s. */
  stopTimeoutMs?: number;
}

export interface LambdaRunner {
  readonly functions: string[];
  on<K extends keyof RunnerEvents>(name: K, listener: (event: RunnerEvents[K]) => void): LambdaRunner;
  off<K extends keyof RunnerEvents>(name: K, listener: (event: RunnerEvents[K]) => void): LambdaRunner;
  /** Stops polling, waits (bounded) for in-flight batches to finish and settle, then ends every environment. */
  stop(): Promise<void>;
}

const DEFAULT_CONCURRENCY = 2;

export function startLambdaRunner(options: StartLambdaRunnerOptions): LambdaRunner {
  const config = loadServerlessConfig({
    ...(options.serverlessYml ? { path: options.serverlessYml } : {}),
    ...(options.stage ? { stage: options.stage } : {}),
  });
  const distDir = options.distDir ?? resolve(PROJECT_ROOT, 'dist');
  const region = options.sqs.region ?? config.region;
  const selected = config.functions.filter((fn) => !options.functions || options.functions.includes(fn.name));
  for (const name of options.functions ?? []) {
    if (!config.functions.some((fn) => fn.name === name))
      throw new LambdaRunnerError(`unknown function "${name}" in ${config.path}`);
  }
  const emitter = new EventEmitter();
  const emit = <K extends keyof RunnerEvents>(name: K, event: RunnerEvents[K]): void => {
    try {
      emitter.emit(name, event);
    } catch (error) {
      console.error(`[lambda-runner] a "${name}" listener threw:`, error);
    }
  };
  if (!options.quiet) attachOutput(emitter, (event) => (event.stream === 'stderr' ? process.stderr : process.stdout));
  const files = options.logDir !== undefined ? logFiles(options.logDir) : undefined;
  if (files !== undefined) attachOutput(emitter, files.sinkFor);

  // Check everything before starting anything, so a bad configuration leaves no poller behind.
  for (const fn of selected) checkFunction(fn, options, distDir);
  const stopController = new AbortController();
  const pools: FunctionPool[] = [];
  const pollers: Promise<void>[] = [];
  for (const fn of selected) {
    const started = startFunction(fn, { options, distDir, region, emit, stopSignal: stopController.signal });
    pools.push(started.pool);
    pollers.push(...started.pollers);
  }

  let stopping: Promise<void> | undefined;
  const runner: LambdaRunner = {
    functions: selected.map((fn) => fn.name),
    on(name, listener) {
      emitter.on(name, listener);
      return runner;
    },
    off(name, listener) {
      emitter.off(name, listener);
      return runner;
    },
    stop() {
      const longestTimeoutMs = Math.max(0, ...selected.map((fn) => fn.timeoutSeconds * 1000));
      stopping ??= stopGracefully(
        stopController,
        pollers,
        pools,
        options.stopTimeoutMs ?? longestTimeoutMs + 5000,
      ).finally(() => files?.close());
      return stopping;
    },
  };
  return runner;
}

interface FunctionStartContext {
  options: StartLambdaRunnerOptions;
  distDir: string;
  region: string;
  emit: <K extends keyof RunnerEvents>(name: K, event: RunnerEvents[K]) => void;
  stopSignal: AbortSignal;
}

function checkFunction(fn: FunctionConfig, options: StartLambdaRunnerOptions, distDir: string): void {
  const bundlePath = resolve(distDir, fn.bundleName, 'index.mjs');
  if (!existsSync(bundlePath)) throw new LambdaRunnerError(`${fn.name}: ${bundlePath} not found (run npm run build)`);
  for (const mapping of fn.sqsEvents) {
    if (!options.sqs.queueUrls[mapping.queueLogicalId] || !options.sqs.queueArns[mapping.queueLogicalId]) {
      throw new LambdaRunnerError(`${fn.name}: no local queue for ${mapping.queueLogicalId}`);
    }
  }
  // Fails now, not in a poller, if an environment variable cannot be resolved locally.
  resolveEnvironment(fn.environment, options.sqs);
}

/** One pool of environments per function; `concurrency` pollers per enabled SQS mapping, sharing that pool. */
function startFunction(
  fn: FunctionConfig,
  context: FunctionStartContext,
): { pool: FunctionPool; pollers: Promise<void>[] } {
  const { options, distDir, region, emit } = context;
  const bundlePath = resolve(distDir, fn.bundleName, 'index.mjs');
  const env = functionEnvironment(fn, options, region);
  const concurrency = concurrencyOf(fn, options.concurrency);
  const pool = new FunctionPool(() => createEnvironment(fn, bundlePath, env, region, emit), concurrency);
  const pollers: Promise<void>[] = [];
  for (const mapping of fn.sqsEvents.filter((m) => m.enabled)) {
    const pollerContext: PollerContext = {
      fn,
      mapping,
      queueUrl: options.sqs.queueUrls[mapping.queueLogicalId] ?? '',
      queueArn: options.sqs.queueArns[mapping.queueLogicalId] ?? '',
      region,
      client: options.sqs.client,
      pool,
      pollWaitSeconds: options.pollWaitSeconds ?? 1,
      stopSignal: context.stopSignal,
      emit,
    };
    for (let i = 0; i < concurrency; i++) {
      pollers.push(
        runPoller(pollerContext).catch((error: unknown) => {
          console.error(`[lambda-runner] ${fn.name}: poller ended with an error:`, error);
        }),
      );
    }
  }
  return { pool, pollers };
}

async function stopGracefully(
  controller: AbortController,
  pollers: Promise<void>[],
  pools: FunctionPool[],
  boundMs: number,
): Promise<void> {
  controller.abort();
  const drained = Promise.all(pollers).then(() => true);
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<false>((resolveBound) => {
    timer = setTimeout(() => resolveBound(false), boundMs);
  });
  const inTime = await Promise.race([drained, bound]);
  clearTimeout(timer);
  // Past the bound, ending the environments fails the in-flight batches (nothing deleted), as a Lambda timeout would.
  await Promise.all(pools.map((pool) => pool.terminateAll()));
  if (!inTime) await drained;
}

function concurrencyOf(fn: FunctionConfig, option: StartLambdaRunnerOptions['concurrency']): number {
  if (typeof option === 'number') return option;
  return option?.[fn.name] ?? fn.reservedConcurrency ?? fn.sqsEvents[0]?.maximumConcurrency ?? DEFAULT_CONCURRENCY;
}

/** What Lambda sets (the reserved AWS_LAMBDA_* variables), the function's configuration, then the caller's extras. */
function functionEnvironment(
  fn: FunctionConfig,
  options: StartLambdaRunnerOptions,
  region: string,
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    TZ: ':UTC',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
    // The SDK reads service-specific endpoints from AWS_ENDPOINT_URL_<SERVICE>, so handler code stays unchanged.
    AWS_ENDPOINT_URL_SQS: options.sqs.endpoint,
    // fauxqs serves SNS on the same endpoint: the events publisher's `new SNSClient({})` reaches it unchanged.
    AWS_ENDPOINT_URL_SNS: options.sqs.endpoint,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    ...resolveEnvironment(fn.environment, options.sqs),
    ...options.env,
  };
}

function createEnvironment(
  fn: FunctionConfig,
  bundlePath: string,
  env: Record<string, string>,
  region: string,
  emit: <K extends keyof RunnerEvents>(name: K, event: RunnerEvents[K]) => void,
): ExecutionEnvironment {
  const logStreamName = `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;
  const config: WorkerConfig = {
    bundlePath,
    handlerExport: fn.handlerExport,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${fn.functionName}`,
    memoryLimitInMB: fn.memorySize,
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName,
    // A diagnostic of the runner's own process, not part of any function's environment (cpu-profile.ts).
    ...(process.env['LAMBDA_RUNNER_CPU_PROFILE_DIR']
      ? { cpuProfileDir: process.env['LAMBDA_RUNNER_CPU_PROFILE_DIR'] }
      : {}),
  };
  return new ExecutionEnvironment({
    config,
    env: { ...env, AWS_LAMBDA_LOG_STREAM_NAME: logStreamName },
    onLog: (stream, line) => emit('log', { functionName: fn.name, stream, line }),
  });
}

type OutputLine = { functionName: string; stream: 'stdout' | 'stderr' };
type Sink = (line: OutputLine) => { write(text: string): unknown };

/** Handler output, REPORT lines and runner errors, prefixed with the function's name, to whatever `sinkFor` picks. */
function attachOutput(emitter: EventEmitter, sinkFor: Sink): void {
  const write = (line: OutputLine, text: string): void => void sinkFor(line).write(`[${line.functionName}] ${text}\n`);
  emitter.on('log', (event: RunnerEvents['log']) => write(event, event.line));
  emitter.on('invocation-end', (event: InvocationEndEvent) => {
    const error = event.error ? ` ${event.error.name}: ${event.error.message}` : '';
    const init = event.initDurationMs === undefined ? '' : `Init Duration: ${event.initDurationMs.toFixed(1)} ms `;
    const cpu = event.cpuMs === undefined ? '' : `CPU: ${event.cpuMs.toFixed(1)} ms `;
    write(
      { functionName: event.functionName, stream: 'stdout' },
      `REPORT RequestId: ${event.requestId} Duration: ${event.durationMs.toFixed(1)} ms ${init}${cpu}` +
        `Records: ${event.okCount} ok, ${event.failedCount} failed (${event.outcome})${error}`,
    );
  });
  emitter.on('runner-error', (event: RunnerEvents['runner-error']) => {
    write(
      { functionName: event.functionName, stream: 'stderr' },
      `runner ${event.phase} error: ${event.error.name}: ${event.error.message}`,
    );
  });
}

/** One append-only file per function, opened on its first line (a restarted runner appends to the same files). */
function logFiles(logDir: string): { sinkFor: Sink; close: () => Promise<void> } {
  mkdirSync(logDir, { recursive: true });
  const files = new Map<string, WriteStream>();
  return {
    sinkFor: ({ functionName }) => {
      let file = files.get(functionName);
      if (file === undefined) {
        file = createWriteStream(join(logDir, `${functionName}.log`), { flags: 'a' });
        files.set(functionName, file);
      }
      return file;
    },
    close: async () => {
      await Promise.all([...files.values()].map((f) => new Promise<void>((done) => f.end(done))));
    },
  };
}
