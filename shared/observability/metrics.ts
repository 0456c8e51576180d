/**
 * The metrics the functions emit (CloudWatch embedded metric format, written by emf.ts) and the port the step code
 * records them through. One home for every metric name: serverless.yml's alarms and dashboard name the same ones
 * (test/packaging checks it).
 *
 * Dimensions: `cluster` on every metric (and `step` on the latencies), each also aggregated without the cluster, so
 * that an alarm or a dashboard can watch the whole fleet without knowing its cluster ids (EMF dimension sets).
 */
import { OpsCondition } from '../kubedb/constants.ts';
import type { FunctionStep } from '../messages/step-message.ts';

/** CloudWatch namespace of every metric. */
export const METRICS_NAMESPACE = 'RedisReconfigure';
/** The default `service` dimension (every dimension set carries it); deployed: `<service>-<stage>` (serverless.yml). */
export const METRICS_SERVICE = 'redis-reconfigure';

export const COUNT_METRICS = [
  /** A run started: halt wrote `Reconfigure` (phase Progressing). */
  'OpsRequestsStarted',
  'OpsRequestsSucceeded',
  'OpsRequestsFailed',
  /** A pod could not run the new configuration and the previous one was restored (condition `RolledBack`). */
  'OpsRequestsRolledBack',
  /** A configuration applied with CONFIG SET, no restart (`ConfigAppliedLive`, ADR 0011). */
  'LiveApplies',
  /** A pod evicted to restart it with the new configuration (`EvictPod--<pod>`). */
  'PodRestarts',
  /** recover found a Progressing run whose due step made no progress for STALL_SECONDS (ADR 0009). */
  'StalledOpsRequests',
] as const;
type CountMetric = (typeof COUNT_METRICS)[number];

export const LATENCY_METRICS = [
  /** One record handled by a step function, start to settle. */
  'StepLatency',
  /** From the message's CloudEvents `time` (+ its delivery delay) to a function starting on it: queue lag. */
  'HopLatency',
] as const;
type LatencyMetric = (typeof LATENCY_METRICS)[number];

export type MetricPoint =
  | { name: CountMetric; unit: 'Count'; value: number; cluster: string }
  | { name: LatencyMetric; unit: 'Milliseconds'; value: number; cluster: string; step: FunctionStep };

export interface MetricsPort {
  count(name: CountMetric, cluster: string, value?: number): void;
  latency(name: LatencyMetric, cluster: string, step: FunctionStep, ms: number): void;
}

/** Collects the points of one invocation; the metrics middleware drains and writes them once, at its end. */
export class MetricsBuffer implements MetricsPort {
  #points: MetricPoint[] = [];

  count(name: CountMetric, cluster: string, value = 1): void {
    this.#points.push({ name, unit: 'Count', value, cluster });
  }

  latency(name: LatencyMetric, cluster: string, step: FunctionStep, ms: number): void {
    this.#points.push({ name, unit: 'Milliseconds', value: Math.max(0, Math.round(ms)), cluster, step });
  }

  drain(): MetricPoint[] {
    const points = this.#points;
    this.#points = [];
    return points;
  }
}

export const discardMetrics: MetricsPort = { count: () => undefined, latency: () => undefined };

/**
 * The count a condition transition stands for (called once per transition, where the events are published, so a
 * replayed step that writes nothing counts nothing).
 */
export function countForCondition(type: string, status: string): CountMetric | undefined {
  if (status !== 'True' && type !== OpsCondition.Failed) return undefined;
  if (type.startsWith('EvictPod--')) return 'PodRestarts';
  switch (type) {
    case OpsCondition.Reconfigure:
      return 'OpsRequestsStarted';
    case OpsCondition.Successful:
      return 'OpsRequestsSucceeded';
    case OpsCondition.Failed:
      return 'OpsRequestsFailed';
    case OpsCondition.RolledBack:
      return 'OpsRequestsRolledBack';
    case OpsCondition.ConfigAppliedLive:
      return 'LiveApplies';
    default:
      return undefined;
  }
}
