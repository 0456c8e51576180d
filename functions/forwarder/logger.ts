/** One JSON object per line, every line naming the cluster, so a fleet's logs can be merged and filtered. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export type LogSink = (level: LogLevel, line: string) => void;

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

const stdSink: LogSink = (level, line) => {
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
};

export function createLogger(opts: { clusterId: string; minLevel?: LogLevel; sink?: LogSink }): Logger {
  const min = ORDER[opts.minLevel ?? 'info'];
  const sink = opts.sink ?? stdSink;
  const log =
    (level: LogLevel) =>
    (msg: string, fields: LogFields = {}): void => {
      if (ORDER[level] < min) return;
      const record = {
        time: new Date().toISOString(),
        level,
        component: 'forwarder',
        clusterId: opts.clusterId,
        msg,
        ...serializeErrors(fields),
      };
      sink(level, JSON.stringify(record));
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** Errors do not survive JSON.stringify (own properties only); keep name, message and an HTTP code if present. */
function serializeErrors(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] =
      value instanceof Error
        ? { name: value.name, message: value.message.split('\n')[0], code: (value as { code?: unknown }).code }
        : value;
  }
  return out;
}

export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
