/**
 * Controller logging. Warnings and errors always go to stderr (an error is never swallowed); info lines only when
 * LOCAL_CONTROLLERS_DEBUG is set, so tests stay quiet.
 */
export interface Logger {
  info(msg: string, ctx?: Record<string, unknown>): void;
  warn(msg: string, ctx?: Record<string, unknown>): void;
  error(msg: string, ctx?: Record<string, unknown>): void;
}

const fmt = (component: string, level: string, msg: string, ctx?: Record<string, unknown>): string =>
  `${new Date().toISOString()} ${level} [${component}] ${msg}${ctx ? ' ' + JSON.stringify(ctx, errorReplacer) : ''}`;

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? describeError(value) : value;
}

/** client-node's ApiException message carries the whole response (headers included); keep code + Status message. */
export function describeError(err: Error): string {
  const e = err as Error & { code?: unknown; body?: unknown };
  if (typeof e.code === 'number' && typeof e.body === 'string') {
    try {
      const status = JSON.parse(e.body) as { message?: string; reason?: string };
      return `HTTP ${e.code} ${status.reason ?? ''}: ${status.message ?? ''}`;
    } catch {
      return `HTTP ${e.code}: ${e.body.slice(0, 200)}`;
    }
  }
  return `${err.name}: ${err.message}`;
}

export function makeLogger(component: string): Logger {
  const debug = Boolean(process.env['LOCAL_CONTROLLERS_DEBUG']);
  return {
    info: (msg, ctx) => {
      if (debug) process.stderr.write(fmt(component, 'INFO', msg, ctx) + '\n');
    },
    warn: (msg, ctx) => process.stderr.write(fmt(component, 'WARN', msg, ctx) + '\n'),
    error: (msg, ctx) => process.stderr.write(fmt(component, 'ERROR', msg, ctx) + '\n'),
  };
}
