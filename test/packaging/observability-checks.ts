/**
 * Assertions on the packaged template's observability (issue 13): alarms on function errors, queue age and stalled
 * ops requests, and the dashboard — each checked against what the functions really emit (the metric names of
 * shared/observability/metrics.ts, the dimension sets of an EMF document emf.ts writes), so a renamed metric or
 * dimension cannot leave an alarm watching nothing.
 */
import assert from 'node:assert/strict';
import { FUNCTION_STEPS } from '../../shared/messages/step-message.ts';
import { emfLines } from '../../shared/observability/emf.ts';
import { COUNT_METRICS, LATENCY_METRICS, METRICS_NAMESPACE } from '../../shared/observability/metrics.ts';
import { getAtt, ofType, type Resource, type Template } from './cfn.ts';

type Dimension = { Name: string; Value: unknown };
const propsOf = (r: Resource): Record<string, unknown> => r.Properties ?? {};
const dimensionsOf = (r: Resource): Dimension[] => (propsOf(r).Dimensions as Dimension[] | undefined) ?? [];

export function alarmsOn(template: Template, namespace: string, metricName: string): Resource[] {
  return ofType(template.Resources, 'AWS::CloudWatch::Alarm')
    .map(([, a]) => a)
    .filter((a) => propsOf(a).Namespace === namespace && propsOf(a).MetricName === metricName);
}

/** The dimension-name sets of the EMF documents the functions write for a count and for a latency. */
function emittedDimensionSets(): { count: string[][]; latency: string[][] } {
  const docs = emfLines([
    { name: 'StalledOpsRequests', unit: 'Count', value: 1, cluster: 'c' },
    { name: 'StepLatency', unit: 'Milliseconds', value: 5, cluster: 'c', step: 'halt' },
  ]).map((l) => JSON.parse(l) as { _aws: { CloudWatchMetrics: [{ Dimensions: string[][] }] } });
  const sets = (i: number) => docs[i]!._aws.CloudWatchMetrics[0].Dimensions.map((d) => [...d].sort());
  return { count: sets(0), latency: sets(1) };
}

export function checkFunctionErrorAlarms(
  template: Template,
  functionLogicalIds: string[],
  actions: readonly string[] | undefined,
): void {
  const alarms = alarmsOn(template, 'AWS/Lambda', 'Errors');
  assert.deepEqual(
    alarms.map((a) => (dimensionsOf(a)[0]?.Value as { Ref?: string }).Ref).sort(),
    functionLogicalIds.map((id) => `${id}LambdaFunction`).sort(),
  );
  for (const a of alarms) {
    const p = propsOf(a);
    assert.deepEqual(
      [p.Statistic, p.Threshold, p.ComparisonOperator, p.TreatMissingData],
      ['Sum', 0, 'GreaterThanThreshold', 'notBreaching'],
    );
    assert.deepEqual(p.AlarmActions, actions);
  }
}

export function checkQueueAgeAlarms(
  template: Template,
  workQueues: string[],
  thresholdSeconds: number,
  actions: readonly string[] | undefined,
): void {
  const alarms = alarmsOn(template, 'AWS/SQS', 'ApproximateAgeOfOldestMessage');
  assert.deepEqual(alarms.map((a) => getAtt(dimensionsOf(a)[0]?.Value, 'QueueName')).sort(), [...workQueues].sort());
  for (const a of alarms) {
    const p = propsOf(a);
    assert.deepEqual(
      [p.Statistic, Number(p.Threshold), p.ComparisonOperator],
      ['Maximum', thresholdSeconds, 'GreaterThanThreshold'],
    );
    assert.deepEqual(p.OKActions, actions);
  }
}

/** The stalled-ops-requests alarm watches the fleet-wide series the recover function emits, for this stage only. */
export function checkStalledAlarm(template: Template, service: string, actions: readonly string[] | undefined): void {
  const [alarm, ...more] = alarmsOn(template, METRICS_NAMESPACE, 'StalledOpsRequests');
  assert.ok(alarm !== undefined && more.length === 0, 'one StalledOpsRequests alarm');
  const dims = dimensionsOf(alarm);
  assert.deepEqual(dims, [{ Name: 'service', Value: service }]);
  assert.ok(
    emittedDimensionSets().count.some((set) => JSON.stringify(set) === JSON.stringify(dims.map((d) => d.Name).sort())),
    'the alarm uses a dimension set the EMF documents declare',
  );
  assert.deepEqual(propsOf(alarm).AlarmActions, actions);
}

/** Every metric widget line of the dashboard, as [namespace, metric, dimension name → value]. */
function dashboardMetrics(template: Template, region: string): Array<[string, string, Record<string, string>]> {
  const dashboards = ofType(template.Resources, 'AWS::CloudWatch::Dashboard');
  assert.equal(dashboards.length, 1);
  const body = (propsOf(dashboards[0]![1]).DashboardBody as { 'Fn::Sub': string })['Fn::Sub'];
  const parsed = JSON.parse(body.replaceAll('${AWS::Region}', region)) as {
    widgets: Array<{ properties: { region: string; metrics: unknown[][] } }>;
  };
  return parsed.widgets.flatMap((w) => {
    assert.equal(w.properties.region, region);
    return w.properties.metrics.map((m) => {
      const strings = m.filter((x): x is string => typeof x === 'string');
      const [ns, name, ...dims] = strings;
      const pairs: Record<string, string> = {};
      for (let i = 0; i + 1 < dims.length; i += 2) pairs[dims[i]!] = dims[i + 1]!;
      return [ns!, name!, pairs] as [string, string, Record<string, string>];
    });
  });
}

export function checkDashboard(template: Template, stage: string, region: string): void {
  const service = `redis-reconfigure-${stage}`;
  const lines = dashboardMetrics(template, region);
  const own = lines.filter(([ns]) => ns === METRICS_NAMESPACE);
  for (const [, , dims] of own) assert.equal(dims.service, service);
  const ownNames = new Set(own.map(([, name]) => name));
  for (const name of [...COUNT_METRICS, ...LATENCY_METRICS]) assert.ok(ownNames.has(name), `dashboard shows ${name}`);
  const { count, latency } = emittedDimensionSets();
  for (const [, name, dims] of own) {
    const sets = (LATENCY_METRICS as readonly string[]).includes(name) ? latency : count;
    const names = JSON.stringify(Object.keys(dims).sort());
    assert.ok(
      sets.some((s) => JSON.stringify(s) === names),
      `${name} ${names} is a series the functions emit`,
    );
  }
  for (const metric of LATENCY_METRICS)
    assert.deepEqual(
      own
        .filter(([, n]) => n === metric)
        .map(([, , d]) => d.step)
        .sort(),
      [...FUNCTION_STEPS].sort(),
      `${metric} per step`,
    );
  const of = (ns: string, name: string, dim: string) =>
    lines
      .filter(([n, m]) => n === ns && m === name)
      .map(([, , d]) => d[dim])
      .sort();
  const fns = [...FUNCTION_STEPS].map((s) => `${service}-${s}`).sort();
  assert.deepEqual(of('AWS/Lambda', 'Errors', 'FunctionName'), fns);
  assert.deepEqual(of('AWS/SQS', 'ApproximateAgeOfOldestMessage', 'QueueName'), fns);
  assert.deepEqual(
    of('AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName'),
    fns.map((f) => `${f}-dlq`),
  );
}
