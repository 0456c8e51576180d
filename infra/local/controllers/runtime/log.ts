/**
 * The simulator's controllers log with the project's logger (shared/logging.ts), one component each. Warnings and
 * errors always go to stderr (an error is never swallowed); info lines only when LOCAL_CONTROLLERS_DEBUG is set, so
 * tests stay quiet.
 */
import { createLogger, stderrSink, type Logger } from '../../../../shared/logging.ts';

export type { Logger };

export function makeLogger(component: string): Logger {
  const debug = Boolean(process.env['LOCAL_CONTROLLERS_DEBUG']);
  return createLogger({ base: { component }, minLevel: debug ? 'info' : 'warn', sink: stderrSink });
}
