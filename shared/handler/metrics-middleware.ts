/**
 * middy middleware, one concern: write the invocation's metrics once, as CloudWatch EMF lines on stdout (Lambda sends
 * stdout to the function's log group, where CloudWatch extracts the metrics), after the handler — also when it threw.
 */
import type middy from '@middy/core';
import { emfLines } from '../observability/emf.ts';
import type { MetricsBuffer } from '../observability/metrics.ts';

interface MetricsMiddlewareOptions {
  buffer: MetricsBuffer;
  /** The `service` dimension. */
  service?: string;
  /** Where each EMF line goes; default stdout. */
  write?: (line: string) => void;
}

const stdoutLine = (line: string): void => void process.stdout.write(`${line}\n`);

export function flushMetrics<E, R, Err extends Error, C>(
  options: MetricsMiddlewareOptions,
): middy.MiddlewareObj<E, R, Err, C> {
  const write = options.write ?? stdoutLine;
  const flush = async (): Promise<void> => {
    const points = options.buffer.drain();
    for (const line of emfLines(points, { service: options.service })) write(line);
  };
  return { after: flush, onError: flush };
}
