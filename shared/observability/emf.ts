/**
 * CloudWatch embedded metric format (EMF) documents from metric points, as the specification describes them
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * a JSON object whose `_aws` member declares the metrics, and whose top-level members hold the dimension values and
 * each metric's value (a number, or an array of up to 100 values).
 *
 * Written here rather than with Powertools Metrics: its 15 KB put the apply-config bundle over its 1 MB budget, and
 * the format is small and documented. One document per dimension-value combination — one for each cluster's counts,
 * one for each (cluster, step)'s latencies — because a document gives all its metrics the same dimensions and a batch
 * can hold several clusters' records. Each document declares two dimension sets, with and without `cluster`, so
 * CloudWatch also keeps the fleet-wide series that alarms and the dashboard use without knowing any cluster id.
 */
import { METRICS_NAMESPACE, METRICS_SERVICE, type MetricPoint } from './metrics.ts';

/** EMF limits: at most 100 metric definitions per directive and 100 values per metric. */
const MAX_METRICS = 100;
const MAX_VALUES = 100;

interface EmfOptions {
  /** The `service` dimension; default METRICS_SERVICE. */
  service?: string;
  now?: Date;
}

export interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit: string }>;
    }>;
  };
  [member: string]: unknown;
}

/** The EMF documents for these points, each as one JSON line (CloudWatch Logs extracts them from the log stream). */
export function emfLines(points: readonly MetricPoint[], options: EmfOptions = {}): string[] {
  const groups = new Map<string, MetricPoint[]>();
  for (const p of points) {
    const key = JSON.stringify([p.cluster, 'step' in p ? p.step : null]);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups.values()].flatMap((group) => documentsFor(group, options).map((d) => JSON.stringify(d)));
}

function documentsFor(group: MetricPoint[], options: EmfOptions): EmfDocument[] {
  const first = group[0] as MetricPoint;
  const fleet = 'step' in first ? ['service', 'step'] : ['service'];
  const dimensions: Record<string, string> = {
    service: options.service ?? METRICS_SERVICE,
    cluster: first.cluster,
    ...('step' in first ? { step: first.step } : {}),
  };
  const values = new Map<string, { unit: string; values: number[] }>();
  for (const p of group) {
    const entry = values.get(p.name) ?? { unit: p.unit, values: [] };
    entry.values.push(p.value);
    values.set(p.name, entry);
  }
  // Split only past EMF's limits (never in practice: a few metrics, a batch of at most 10 records).
  const chunks: Array<Array<[string, { unit: string; values: number[] }]>> = [[]];
  for (const [name, entry] of values) {
    for (let i = 0; i < entry.values.length; i += MAX_VALUES) {
      let chunk = chunks.find((c) => c.length < MAX_METRICS && !c.some(([n]) => n === name));
      if (chunk === undefined) chunks.push((chunk = []));
      chunk.push([name, { unit: entry.unit, values: entry.values.slice(i, i + MAX_VALUES) }]);
    }
  }
  const timestamp = (options.now ?? new Date()).getTime();
  return chunks.map((chunk) => ({
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [[...fleet, 'cluster'], fleet],
          Metrics: chunk.map(([name, e]) => ({ Name: name, Unit: e.unit })),
        },
      ],
    },
    ...dimensions,
    ...Object.fromEntries(chunk.map(([name, e]) => [name, e.values.length === 1 ? e.values[0] : e.values])),
  }));
}
