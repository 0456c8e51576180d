/** Messages between the runner (main thread) and one execution environment (a worker thread). */

export interface WorkerConfig {
  bundlePath: string;
  handlerExport: string;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: number;
  logGroupName: string;
  logStreamName: string;
  /** Write a CPU profile of every invocation here (cpu-profile.ts); unset = no profiling. */
  cpuProfileDir?: string;
}

export interface InvokeRequest {
  requestId: string;
  event: unknown;
  /** Epoch ms at which Lambda would stop the invocation; drives `getRemainingTimeInMillis()`. */
  deadline: number;
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

/** `cpuMs`: this environment's thread CPU (user + system) while the handler ran, as a Lambda process's would be. */
export type InvokeReply =
  | { type: 'result'; requestId: string; cpuMs: number; ok: true; response: unknown }
  | { type: 'result'; requestId: string; cpuMs: number; ok: false; error: SerializedError };

/** Sent once, when the bundle is imported (Lambda's init phase, which has its own time budget). */
export type InitReply = { type: 'ready' } | { type: 'init-error'; error: SerializedError };

export type WorkerReply = InvokeReply | InitReply;

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const serialized: SerializedError = { name: error.name, message: error.message };
    if (error.stack !== undefined) serialized.stack = error.stack;
    return serialized;
  }
  return { name: 'NonErrorThrown', message: String(error) };
}
