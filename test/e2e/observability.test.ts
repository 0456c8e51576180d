/**
 * Issue 13, tried on the whole local stack: one ops request can be followed by its trace id through every hop —
 * every step message and every published CloudEvent carries its `traceparent` (same trace id, a new span per hop),
 * every function log line of the run carries the trace id and the run's correlation fields — the function output
 * holds the EMF metric documents with the run's counts and latencies, and the published JSON Schemas validate the
 * real messages and events.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { waitFor } from '../../infra/local/wait.ts';
import { eventJsonSchemas } from '../../shared/messages/json-schema.ts';
import { FUNCTION_STEPS } from '../../shared/messages/step-message.ts';
import type { EmfDocument } from '../../shared/observability/emf.ts';
import { parseTraceparent, traceIdFor } from '../../shared/observability/trace-context.ts';
import { createDatabase, reconfigure, runOpsRequest, startTestStack, waitDatabaseReady } from './harness.ts';

type Json = Record<string, unknown> & { type?: string; traceparent?: string; data?: Record<string, unknown> };

const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, validateFormats: false });
const validators = new Map(
  Object.entries(eventJsonSchemas()).map(([f, s]) => [f.replace(/\.json$/, ''), ajv.compile(s)]),
);
type Run = { name: string; uid: string; trace: string };
type Output = Array<{ fn: string; line: Json }>;
const uidOf = (e: Json): string | undefined => (e.data?.opsRequest as { uid?: string } | undefined)?.uid;

function assertPublishedSchemaAccepts(event: Json): void {
  const validate = validators.get(String(event.type));
  assert.ok(validate, `a published schema for ${event.type}`);
  assert.ok(validate(event), `${event.type}: ${ajv.errorsText(validate.errors)}`);
}

/** Every transition of both runs was published in its run's trace, each valid by its published schema. */
function checkEvents(events: Json[], runs: Run[]): void {
  for (const run of runs) {
    const own = events.filter((e) => uidOf(e) === run.uid);
    assert.ok(own.length >= 6, `${run.name}: ${own.length} events`);
    for (const e of own) {
      assertPublishedSchemaAccepts(e);
      assert.equal(parseTraceparent(e.traceparent)?.traceId, run.trace, `${run.name} event ${e.type}`);
    }
  }
}

/** The step messages: from the forwarder through every hop, one trace id per run, a span per sender. */
function checkStepMessages(messages: Json[], runs: Run[]): void {
  for (const run of runs) {
    const own = messages.filter((m) => uidOf(m) === run.uid);
    const steps = new Set(own.map((m) => m.data?.step));
    for (const s of ['halt', 'apply-config', 'resume']) assert.ok(steps.has(s), `${run.name}: a ${s} message`);
    if (run.name === 'rolling') assert.ok(steps.has('restart-pod'));
    assert.ok(
      own.some((m) => String(m.source).includes(':forwarder:')),
      'the forwarder started it',
    );
    for (const m of own) {
      assertPublishedSchemaAccepts(m);
      assert.equal(parseTraceparent(m.traceparent)?.traceId, run.trace, `${run.name} ${String(m.type)} message`);
      assert.equal(m.data?.traceId, run.trace);
    }
    assert.ok(new Set(own.map((m) => parseTraceparent(m.traceparent)?.spanId)).size > 1, 'each hop its own span');
  }
}

const sumOf = (docs: Json[], name: string): number =>
  docs.reduce((n, d) => n + [d[name] ?? []].flat().reduce((a: number, v) => a + Number(v), 0), 0);

/** The EMF documents in the function output: the runs' counts, and latencies for every step that ran. */
function checkMetrics(emf: Json[]): void {
  assert.equal(sumOf(emf, 'OpsRequestsStarted'), 2);
  assert.equal(sumOf(emf, 'OpsRequestsSucceeded'), 2);
  assert.equal(sumOf(emf, 'OpsRequestsFailed'), 0);
  assert.equal(sumOf(emf, 'PodRestarts'), 1, 'the rolling run restarted its one pod');
  assert.equal(sumOf(emf, 'LiveApplies'), 1, 'the live run restarted nothing');
  for (const doc of emf as EmfDocument[]) {
    assert.equal(doc._aws.CloudWatchMetrics[0]?.Namespace, 'RedisReconfigure');
    assert.equal(doc.service, 'redis-reconfigure-local', 'the service dimension names the stage');
  }
  for (const step of ['halt', 'apply-config', 'restart-pod', 'resume']) {
    const latencies = emf.filter((d) => d.step === step);
    assert.ok(sumOf(latencies, 'StepLatency') > 0, `StepLatency of ${step}`);
    const hops = latencies.flatMap((d) => [d.HopLatency ?? []].flat()).map(Number);
    assert.ok(hops.length > 0 && hops.every((v) => v >= 0 && v < 60_000), `HopLatency of ${step}: ${hops.join(',')}`);
  }
}

/** Every line about a run carries its trace id and correlation fields, and the run can be read in them. */
function checkLogs(lines: Output, runs: Run[]): void {
  for (const run of runs) {
    const own = lines.filter((o) => o.line.uid === run.uid || o.line.opsRequest === run.name);
    for (const { fn, line } of own) {
      assert.equal(line.traceId, run.trace, `${fn}: ${JSON.stringify(line)}`);
      for (const field of ['clusterId', 'namespace', 'opsRequest', 'uid', 'step', 'attempt', 'spanId'])
        assert.ok(line[field] !== undefined, `${fn} line without ${field}: ${JSON.stringify(line)}`);
    }
    const story = own.filter((o) => o.line.level === 'info').map((o) => String(o.line.msg));
    const expected = [
      'paused Redis obs/rd',
      'handed over to apply-config',
      'condition Successful=True',
      'resumed Redis obs/rd',
    ];
    if (run.name === 'rolling') expected.push('evicted pod rd-0', 'pod rd-0 is Ready with the new configuration');
    else expected.push('condition ConfigAppliedLive=True');
    for (const e of expected) assert.ok(story.includes(e), `${run.name}: "${e}" in ${JSON.stringify(story)}`);
  }
}

describe('observability: one trace, its logs and metrics', { timeout: 300_000 }, () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  const stepMessages: Json[] = [];
  before(async () => {
    stack = await startTestStack();
    stack.runner!.on('invocation-start', (e) => stepMessages.push(...e.bodies.map((b) => JSON.parse(b) as Json)));
  });
  after(async () => stack?.cleanup());

  /** Each function's log file as the runner writes it: `[<function>] <output line>`; REPORT lines are not JSON. */
  const functionOutput = async (): Promise<Output> => {
    const out: Output = [];
    for (const fn of FUNCTION_STEPS) {
      const text = await readFile(join(stack.stateDir, 'logs', `${fn}.log`), 'utf8').catch(() => '');
      for (const l of text.split('\n')) {
        const json = /^\[[^\]]+\] (\{.*)$/.exec(l)?.[1];
        if (json !== undefined) out.push({ fn, line: JSON.parse(json) as Json });
      }
    }
    return out;
  };

  const receiveAll = async (queueUrl: string, until: (events: Json[]) => boolean): Promise<Json[]> => {
    const sqs = stack.sqs!;
    const events: Json[] = [];
    await waitFor(
      'the published events',
      async () => {
        const r = await sqs.client.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        for (const m of r.Messages ?? []) {
          events.push(JSON.parse(m.Body ?? '') as Json);
          // FIFO: the next message of a group is delivered only once this one is deleted.
          await sqs.client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
        }
        return until(events) ? true : undefined;
      },
      { timeoutMs: 30_000 },
    );
    return events;
  };

  it('follows a rolling and a live reconfigure by their trace ids through messages, events, logs and metrics', async () => {
    const kc = stack.kubeConfig;
    const subscriber = await stack.sqs!.subscribeQueue('EventsTopic', 'observability-subscriber');
    await createDatabase(kc, 'obs', 'rd', 'maxclients 500\n');
    await waitDatabaseReady(kc, 'obs', 'rd');
    const rolling = await runOpsRequest(
      kc,
      reconfigure('obs', 'rolling', 'rd', { applyConfig: { 'redis.conf': 'maxclients 600' }, restart: 'true' }),
    );
    assert.equal(rolling.status?.phase, 'Successful', JSON.stringify(rolling.status));
    const live = await runOpsRequest(
      kc,
      reconfigure('obs', 'live', 'rd', { applyConfig: { 'redis.conf': 'maxclients 700' }, restart: 'auto' }),
    );
    assert.equal(live.status?.phase, 'Successful', JSON.stringify(live.status));
    const runs = [rolling, live].map((o) => ({
      name: o.metadata.name,
      uid: o.metadata.uid!,
      trace: traceIdFor(o.metadata.uid!),
    }));

    const outcomes = (events: Json[]) => events.filter((e) => String(e.type).endsWith('.outcome.v1')).length;
    checkEvents(await receiveAll(subscriber, (events) => outcomes(events) >= 2), runs);
    checkStepMessages(stepMessages, runs);
    const emf = await waitFor(
      'the resume function to flush the second run’s metrics',
      async () => {
        const docs = (await functionOutput()).map((o) => o.line).filter((l) => '_aws' in l && l.cluster === 'local');
        return sumOf(docs, 'OpsRequestsSucceeded') >= 2 ? docs : undefined;
      },
      { timeoutMs: 30_000 },
    );
    checkMetrics(emf);
    checkLogs(
      (await functionOutput()).filter((o) => !('_aws' in o.line)),
      runs,
    );
  });
});
