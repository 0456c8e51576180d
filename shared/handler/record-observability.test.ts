import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnavailableError } from '../errors.ts';
import { createLogger, type LogFields } from '../logging.ts';
import { newStepMessage, type Step, type StepDataInput } from '../messages/step-message.ts';
import type { TransitionEvent } from '../messages/transition-event.ts';
import type { EmfDocument } from '../observability/emf.ts';
import { MetricsBuffer } from '../observability/metrics.ts';
import { parseTraceparent } from '../observability/trace-context.ts';
import type { StepDeps } from '../steps/ports.ts';
import type { SQSRecord } from './lambda-types.ts';
import { createStepHandler } from './step-handler.ts';

const TRACE = '7d3b2f3e1c2a4b5d8e9f0a1b2c3d4e5f';
const PARENT = `00-${TRACE}-00f067aa0ba902b7-01`;
const data = {
  version: 1 as const,
  clusterId: 'eu-1',
  namespace: 'demo',
  opsRequest: { name: 'rd', uid: '7d3b2f3e-1c2a-4b5d-8e9f-0a1b2c3d4e5f' },
  step: 'apply-config' as const,
  traceId: TRACE,
};
const record = (body: string, id: string, delaySeconds?: number): SQSRecord => ({
  messageId: id,
  receiptHandle: 'r',
  body,
  attributes: { ApproximateReceiveCount: '1' },
  messageAttributes:
    delaySeconds === undefined ? {} : { delaySeconds: { dataType: 'Number', stringValue: String(delaySeconds) } },
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn',
  awsRegion: 'us-east-1',
});
const context = { awsRequestId: 'r', functionName: 'f', getRemainingTimeInMillis: () => 1000 };

function harness() {
  const lines: LogFields[] = [];
  const log = createLogger({ sink: (_l, _line, r) => void lines.push(r) });
  const sent: Array<{ step: Step; data: StepDataInput; traceparent?: string }> = [];
  const published: TransitionEvent[] = [];
  const emf: EmfDocument[] = [];
  const metrics = new MetricsBuffer();
  const deps: StepDeps = {
    settings: { stallSeconds: 60, safetyNetSeconds: 5 },
    kube: {} as StepDeps['kube'],
    redis: {} as StepDeps['redis'],
    events: { publish: async (e) => void published.push(e as TransitionEvent) },
    queue: { send: async (step, d, _delay, trace) => void sent.push({ step, data: d, ...trace }) },
    now: () => new Date(),
    log,
    metrics,
  };
  return { lines, log, sent, published, emf, metrics, deps };
}

describe('each record is a hop of its ops request', () => {
  it('continues the trace on what it sends, logs with the correlation fields, and flushes metrics once', async () => {
    const h = harness();
    const sentAt = new Date(Date.now() - 5_000);
    const handler = createStepHandler({
      step: 'apply-config',
      log: h.log,
      metrics: h.metrics,
      metricsService: 'svc-test',
      writeMetrics: (l) => void h.emf.push(JSON.parse(l) as EmfDocument),
      depsFor: async () => h.deps,
      run: async (d, deps) => {
        deps.log.info('working');
        await deps.events.publish({ type: 'io.redis-reconfigure.opsrequest.condition.v1' } as TransitionEvent);
        await deps.queue.send('restart-pod', { ...d, step: 'restart-pod', pod: 'rd-0', phase: 'evict' });
        deps.metrics.count('PodRestarts', d.clusterId);
      },
    });
    const body = JSON.stringify(newStepMessage(data, 'urn:t', sentAt, { traceparent: PARENT }));
    // Sent 5 s ago with a 3 s delivery delay: about 2 s of queue lag.
    await handler({ Records: [record(body, 'm1', 3)] }, context);

    const [out] = h.sent;
    const hop = parseTraceparent(out?.traceparent);
    assert.equal(hop?.traceId, TRACE, 'same trace');
    assert.notEqual(hop?.spanId, '00f067aa0ba902b7', 'a span of its own');
    assert.equal(parseTraceparent(String(h.published[0]?.traceparent))?.spanId, hop?.spanId);

    const working = h.lines.find((l) => l.msg === 'working')!;
    assert.deepEqual(
      [working.clusterId, working.namespace, working.opsRequest, working.uid, working.step, working.attempt],
      ['eu-1', 'demo', 'rd', data.opsRequest.uid, 'apply-config', 0],
    );
    assert.equal(working.traceId, TRACE);
    assert.equal(working.spanId, hop?.spanId);
    assert.ok(h.lines.some((l) => l.msg === 'handed over to restart-pod' && l.traceId === TRACE));

    assert.equal(h.emf.length, 2, 'a count document and a latency document, written once');
    const counts = h.emf.find((d) => 'PodRestarts' in d)!;
    assert.deepEqual([counts.service, counts.cluster, counts.PodRestarts], ['svc-test', 'eu-1', 1]);
    const latency = h.emf.find((d) => 'StepLatency' in d)!;
    assert.equal(latency.step, 'apply-config');
    const lag = Number(latency.HopLatency);
    assert.ok(lag >= 2_000 && lag < 30_000, `hop latency ${lag} ms excludes the 3 s delay`);
    assert.deepEqual(h.metrics.drain(), [], 'nothing left for the next invocation');
  });

  it('logs a failed record with its trace id, still measures it, and starts a trace for a message without traceparent', async () => {
    const h = harness();
    const handler = createStepHandler({
      step: 'apply-config',
      log: h.log,
      metrics: h.metrics,
      writeMetrics: (l) => void h.emf.push(JSON.parse(l) as EmfDocument),
      depsFor: async () => h.deps,
      run: async () => {
        throw new UnavailableError('api server down');
      },
    });
    const body = JSON.stringify(newStepMessage(data, 'urn:t'));
    const response = await handler({ Records: [record(body, 'm2')] }, context);
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: 'm2' }]);
    const failed = h.lines.find((l) => l.msg === 'step failed; SQS will redeliver')!;
    assert.deepEqual([failed.traceId, failed.errorName, failed.messageId], [TRACE, 'UnavailableError', 'm2']);
    assert.ok(h.emf.some((d) => d.step === 'apply-config' && typeof d.StepLatency === 'number'));
  });
});
