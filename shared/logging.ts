/**
 * The project's one logger: structured JSON, one object per line (CloudWatch Logs, the local Lambda runner and the
 * tests read them line by line). A child logger adds correlation fields (cluster, namespace, ops request, uid, step,
 * pod, attempt, trace id) to every line it writes. Error values anywhere in the fields are written by the one
 * serialiser below (JSON.stringify drops an Error's message and name: they are not own enumerable properties).
 *
 * The step handler sets the correlation fields once per record (shared/handler/step-handler.ts), so every line a step
 * writes about a run carries its trace id (docs/operations.md, "Follow one ops request by its trace id"). Metrics are
 * not log lines: they are EMF documents written once per invocation (shared/observability/emf.ts).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

/** The fields that tie a line to one run; all optional, set once on a child logger. */
export type CorrelationFields = {
  clusterId?: string;
  namespace?: string;
  opsRequest?: string;
  uid?: string;
  step?: string;
  pod?: string;
  attempt?: number;
  traceId?: string;
};

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose every line also carries `fields` (a child's own fields win over its parent's). */
  child(fields: CorrelationFields & LogFields): Logger;
}

export type LogSink = (level: LogLevel, line: string, record: LogFields) => void;

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Every level to stdout: Lambda sends a function's stdout and stderr to the same log stream. */
const stdoutSink: LogSink = (_level, line) => void process.stdout.write(`${line}\n`);
/** Warnings and errors to stderr, the rest to stdout: a container's log collector can tell them apart. */
export const splitSink: LogSink = (level, line) =>
  void (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
/** Everything to stderr (the local simulator: its stdout is the CLI's). */
export const stderrSink: LogSink = (_level, line) => void process.stderr.write(`${line}\n`);

interface LoggerOptions {
  /** Fields on every line (e.g. `component`, `fn`, `clusterId`). */
  base?: LogFields;
  minLevel?: LogLevel;
  sink?: LogSink;
  now?: () => Date;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const min = ORDER[opts.minLevel ?? 'info'];
  const sink = opts.sink ?? stdoutSink;
  const now = opts.now ?? (() => new Date());
  const make = (base: LogFields): Logger => {
    const log =
      (level: LogLevel) =>
      (msg: string, fields: LogFields = {}): void => {
        if (ORDER[level] < min) return;
        const record = { time: now().toISOString(), level, msg, ...base, ...serializeErrors(fields) };
        sink(level, JSON.stringify(record), record);
      };
    return {
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      child: (fields) => make({ ...base, ...serializeErrors(fields) }),
    };
  };
  return make(opts.base ?? {});
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

interface SerializedError {
  name: string;
  message: string;
  /** An HTTP status (client-node's ApiException) or a Node.js error code, when the error has one. */
  code?: unknown;
}

/**
 * The one error serialiser. client-node's ApiException message carries the whole HTTP response (headers included):
 * keep its status code and the Kubernetes Status reason and message instead. Other errors: name, message and code.
 */
export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: 'NonError', message: String(err) };
  const e = err as Error & { code?: unknown; body?: unknown };
  if (typeof e.code === 'number' && typeof e.body === 'string')
    return { name: err.name, message: apiStatusMessage(e.code, e.body), code: e.code };
  return {
    name: err.name,
    message: err.message,
    ...(e.code !== undefined ? { code: e.code } : {}),
  };
}

function apiStatusMessage(code: number, body: string): string {
  try {
    const status = JSON.parse(body) as { message?: string; reason?: string };
    return `HTTP ${code} ${status.reason ?? ''}: ${status.message ?? ''}`;
  } catch {
    // Not a Kubernetes Status (a proxy's HTML page, say): its first bytes say enough.
    return `HTTP ${code}: ${body.slice(0, 200)}`;
  }
}

/** An error as the flat fields the step functions log (`error`, `errorName`; the DLQ runbook greps these). */
export function errorFields(err: unknown): LogFields {
  const s = serializeError(err);
  return { error: s.message, errorName: s.name };
}

function serializeErrors(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) out[key] = value instanceof Error ? serializeError(value) : value;
  return out;
}
