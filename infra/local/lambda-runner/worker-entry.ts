/**
 * One Lambda execution environment: a worker thread that imports the built bundle once (module scope = "init"
 * phase, reused while the environment stays warm) and runs one invocation at a time, as Lambda does.
 */
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { invocationProfiler, type InvocationProfiler } from './cpu-profile.ts';
import {
  serializeError,
  type InitReply,
  type InvokeReply,
  type InvokeRequest,
  type WorkerConfig,
} from './worker-protocol.ts';

type Handler = (event: unknown, context: unknown) => unknown;

const config = workerData as WorkerConfig;
const port = parentPort;
if (!port) throw new Error('worker-entry.ts must run in a worker thread');

async function importHandler(): Promise<Handler> {
  const module = (await import(pathToFileURL(config.bundlePath).href)) as Record<string, unknown>;
  const handler = module[config.handlerExport];
  if (typeof handler !== 'function') {
    throw new TypeError(`${config.bundlePath} does not export a function "${config.handlerExport}"`);
  }
  return handler as Handler;
}

function lambdaContext(request: InvokeRequest): Record<string, unknown> {
  return {
    awsRequestId: request.requestId,
    functionName: config.functionName,
    functionVersion: config.functionVersion,
    invokedFunctionArn: config.invokedFunctionArn,
    memoryLimitInMB: String(config.memoryLimitInMB),
    logGroupName: config.logGroupName,
    logStreamName: config.logStreamName,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, request.deadline - Date.now()),
  };
}

async function invoke(handler: Handler, request: InvokeRequest, profiler: InvocationProfiler): Promise<InvokeReply> {
  // The thread's own CPU, not the process's: the runner's other environments share this process. Measured inside
  // the profiler's window, so that writing a profile is not counted.
  let cpuMs = 0;
  const timed = async (): Promise<unknown> => {
    const before = process.threadCpuUsage();
    try {
      return await handler(request.event, lambdaContext(request));
    } finally {
      const used = process.threadCpuUsage(before);
      cpuMs = (used.user + used.system) / 1000;
    }
  };
  try {
    const response = await profiler.around(timed);
    // Lambda returns the response as JSON: what cannot be serialized does not reach the event-source mapping.
    const json = response === undefined ? undefined : JSON.stringify(response);
    return {
      type: 'result',
      requestId: request.requestId,
      cpuMs,
      ok: true,
      response: json === undefined ? null : (JSON.parse(json) as unknown),
    };
  } catch (error) {
    return { type: 'result', requestId: request.requestId, cpuMs, ok: false, error: serializeError(error) };
  }
}

// Init phase: import the bundle as soon as the environment starts, before the first invocation's clock runs.
try {
  const handler = await importHandler();
  const profiler = await invocationProfiler(
    config.cpuProfileDir,
    `${config.functionName}-${config.logStreamName.slice(-8)}`,
  );
  port.on('message', (request: InvokeRequest) => {
    // invoke() never rejects (every error becomes a reply), so this promise cannot fail unobserved.
    void invoke(handler, request, profiler).then((reply) => port.postMessage(reply));
  });
  port.postMessage({ type: 'ready' } satisfies InitReply);
} catch (error) {
  port.postMessage({ type: 'init-error', error: serializeError(error) } satisfies InitReply);
}
