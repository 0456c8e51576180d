import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emfLines, type EmfDocument } from './emf.ts';
import { countForCondition, MetricsBuffer } from './metrics.ts';
import { formatTraceparent, parseTraceparent, startTraceFor, traceIdFor } from './trace-context.ts';
import { startHop } from './tracing.ts';

describe('W3C trace context', () => {
  it('parses and formats traceparent, ignoring what the spec says to ignore', () => {
    const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    assert.deepEqual(parseTraceparent(tp), {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      sampled: true,
    });
    assert.equal(formatTraceparent(parseTraceparent(tp)!), tp);
    for (const bad of [
      undefined,
      '',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra',
    ])
      assert.equal(parseTraceparent(bad), undefined, String(bad));
    // A later version's extra fields are allowed (W3C §4.3 "future versions").
    assert.equal(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-x')?.sampled, false);
  });

  it('one trace per ops request: the trace id comes from the uid, every start gets a new span', () => {
    const uid = '7d3b2f3e-1c2a-4b5d-8e9f-0a1b2c3d4e5f';
    const a = startTraceFor(uid);
    const b = startTraceFor(uid);
    assert.equal(a.traceId, '7d3b2f3e1c2a4b5d8e9f0a1b2c3d4e5f');
    assert.equal(b.traceId, a.traceId);
    assert.notEqual(b.spanId, a.spanId);
    assert.match(traceIdFor('not-a-uuid'), /^[0-9a-f]{32}$/);
  });

  it('a hop continues its parent: same trace id, a span id of its own (also with no OpenTelemetry SDK)', () => {
    const parent = startTraceFor('7d3b2f3e-1c2a-4b5d-8e9f-0a1b2c3d4e5f');
    const hop = startHop('halt local/demo/rd', parent);
    assert.equal(hop.trace.traceId, parent.traceId);
    assert.match(hop.trace.spanId, /^[0-9a-f]{16}$/);
    assert.notEqual(hop.trace.spanId, parent.spanId);
    hop.end(new Error('boom'));
  });
});

describe('metrics', () => {
  it('counts the transitions that stand for a started, succeeded, failed or rolled-back run, live applies and restarts', () => {
    assert.equal(countForCondition('Reconfigure', 'True'), 'OpsRequestsStarted');
    assert.equal(countForCondition('Successful', 'True'), 'OpsRequestsSucceeded');
    assert.equal(countForCondition('Failed', 'False'), 'OpsRequestsFailed');
    assert.equal(countForCondition('RolledBack', 'True'), 'OpsRequestsRolledBack');
    assert.equal(countForCondition('ConfigAppliedLive', 'True'), 'LiveApplies');
    assert.equal(countForCondition('EvictPod--rd-0', 'True'), 'PodRestarts');
    assert.equal(countForCondition('IsPodReady--rd-0', 'True'), undefined);
    assert.equal(countForCondition('WaitingForOtherOpsRequest', 'False'), undefined);
  });

  it('writes one EMF document per cluster (and step), each with a fleet-wide and a per-cluster dimension set', () => {
    const buffer = new MetricsBuffer();
    buffer.count('OpsRequestsStarted', 'eu-1');
    buffer.count('OpsRequestsStarted', 'eu-1');
    buffer.count('PodRestarts', 'us-1');
    buffer.latency('StepLatency', 'eu-1', 'halt', 12.4);
    buffer.latency('HopLatency', 'eu-1', 'halt', -3);
    const docs = emfLines(buffer.drain(), { service: 'svc-dev', now: new Date(1_000) }).map(
      (l) => JSON.parse(l) as EmfDocument,
    );
    assert.deepEqual(buffer.drain(), [], 'drained');
    assert.equal(docs.length, 3);
    const [eu, us, latency] = docs as [EmfDocument, EmfDocument, EmfDocument];
    assert.deepEqual(eu._aws, {
      Timestamp: 1000,
      CloudWatchMetrics: [
        {
          Namespace: 'RedisReconfigure',
          Dimensions: [['service', 'cluster'], ['service']],
          Metrics: [{ Name: 'OpsRequestsStarted', Unit: 'Count' }],
        },
      ],
    });
    assert.deepEqual([eu.service, eu.cluster, eu.OpsRequestsStarted], ['svc-dev', 'eu-1', [1, 1]]);
    assert.deepEqual([us.cluster, us.PodRestarts], ['us-1', 1]);
    assert.deepEqual(latency._aws.CloudWatchMetrics[0]?.Dimensions, [
      ['service', 'step', 'cluster'],
      ['service', 'step'],
    ]);
    assert.deepEqual([latency.step, latency.StepLatency, latency.HopLatency], ['halt', 12, 0]);
  });

  it('stays within EMF limits: at most 100 values per metric in one document', () => {
    const buffer = new MetricsBuffer();
    for (let i = 0; i < 150; i++) buffer.latency('StepLatency', 'c', 'restart-pod', i);
    const docs = emfLines(buffer.drain()).map((l) => JSON.parse(l) as EmfDocument);
    assert.deepEqual(
      docs.map((d) => (d.StepLatency as number[]).length),
      [100, 50],
    );
  });
});
