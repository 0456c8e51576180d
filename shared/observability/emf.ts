/**
 * CloudWatch embedded metric format (EMF) documents from metric points, serialised by Powertools Metrics (which
 * validates names, units, dimension and value counts). One document per dimension-value combination: one for each
 * cluster's counts, one for each (cluster, step)'s latencies — an EMF document gives all its metrics the same
 * dimensions, and a batch can hold several clusters' records.
 *
 * Each document declares two dimension sets, with and without `cluster`, so CloudWatch keeps a fleet-wide series
 * that alarms and the dashboard use without knowing cluster ids.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Logger } from '../logging.ts';
import { METRICS_NAMESPACE, METRICS_SERVICE, type MetricPoint } from './metrics.ts';

const UNITS = { Count: MetricUnit.Count, Milliseconds: MetricUnit.Milliseconds } as const;

/** The EMF documents for these points, each as one JSON line (CloudWatch Logs extracts them from the log stream). */
export function emfLines(points: readonly MetricPoint[], log: Logger, now: Date = new Date()): string[] {
  const groups = new Map<string, MetricPoint[]>();
  for (const p of points) {
    const key = JSON.stringify([p.cluster, 'step' in p ? p.step : null]);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups.values()].map((group) => JSON.stringify(documentFor(group, log, now)));
}

function documentFor(group: MetricPoint[], log: Logger, now: Date): unknown {
  const first = group[0] as MetricPoint;
  const metrics = new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: METRICS_SERVICE,
    // The step is a default dimension of latency documents, so both dimension sets below carry it.
    defaultDimensions: 'step' in first ? { step: first.step } : {},
    logger: powertoolsLogger(log),
  });
  metrics.addDimension('cluster', first.cluster);
  metrics.addDimensions({});
  metrics.setTimestamp(now);
  for (const p of group) metrics.addMetric(p.name, UNITS[p.unit], p.value);
  return metrics.serializeMetrics();
}

/** Powertools' own warnings (e.g. a dropped dimension) as structured lines of the project's logger. */
function powertoolsLogger(log: Logger) {
  const line =
    (write: (msg: string, fields?: Record<string, unknown>) => void) =>
    (...args: unknown[]) =>
      write('metrics: ' + args.map(String).join(' '));
  return { debug: line(log.debug), info: line(log.info), warn: line(log.warn), error: line(log.error) };
}
