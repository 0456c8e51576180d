/** Structured JSON logs, one line per entry (CloudWatch and the local runner both read them line by line). */
import type { Logger } from './steps/ports.ts';

export function jsonLogger(
  base: Record<string, unknown>,
  write: (line: string) => void = (l) => console.log(l),
): Logger {
  const emit = (level: string, msg: string, fields?: Record<string, unknown>): void =>
    write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...fields }));
  return {
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}

export const errorFields = (err: unknown): Record<string, unknown> =>
  err instanceof Error ? { error: err.message, errorName: err.name } : { error: String(err) };
