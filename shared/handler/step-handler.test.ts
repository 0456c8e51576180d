import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidMessageError, OpsRequestFailedError, UnavailableError } from '../errors.ts';
import { silentLogger } from '../logging.ts';
import { newStepMessage, type Step, type StepDataInput } from '../messages/step-message.ts';
import type { StepDeps } from '../steps/ports.ts';
import type { SQSRecord } from './lambda-types.ts';
import { createStepHandler, processStepRecord } from './step-handler.ts';

const silent = silentLogger;
const data = {
  version: 1 as const,
  clusterId: 'local',
  namespace: 'demo',
  opsRequest: { name: 'rd', uid: 'u1' },
  step: 'apply-config' as const,
  traceId: 't',
};
const record = (body: string, id = 'm1'): SQSRecord => ({
  messageId: id,
  receiptHandle: 'r',
  body,
  attributes: { ApproximateReceiveCount: '1' },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn',
  awsRegion: 'us-east-1',
});

function depsWithQueue(sent: Array<{ step: Step; data: StepDataInput }>): StepDeps {
  return {
    settings: { stallSeconds: 60, safetyNetSeconds: 5 },
    kube: {} as StepDeps['kube'],
    redis: {} as StepDeps['redis'],
    events: { publish: async () => undefined },
    queue: { send: async (step, d) => void sent.push({ step, data: d }) },
    now: () => new Date(),
    log: silent,
  };
}

describe('step handler error contract', () => {
  it('hands an OpsRequestFailedError to resume with the reason and message, and settles the record', async () => {
    const sent: Array<{ step: Step; data: StepDataInput }> = [];
    const process = processStepRecord({
      step: 'apply-config',
      log: silent,
      depsFor: async () => depsWithQueue(sent),
      run: async () => {
        throw new OpsRequestFailedError(
          'InvalidConfiguration',
          'applyConfig["redis.conf"] line 1: unknown directive "maxclientz"',
        );
      },
    });
    await process(record(JSON.stringify(newStepMessage(data, 'urn:t'))));
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.step, 'resume');
    assert.deepEqual(sent[0]?.data.outcome, {
      status: 'Failed',
      reason: 'InvalidConfiguration',
      message: 'applyConfig["redis.conf"] line 1: unknown directive "maxclientz"',
    });
  });

  it('fails an invalid message (it will reach the DLQ) and a message on the wrong queue', async () => {
    const process = processStepRecord({
      step: 'halt',
      log: silent,
      depsFor: async () => depsWithQueue([]),
      run: async () => undefined,
    });
    await assert.rejects(process(record('{"specversion":"1.0"}')), InvalidMessageError);
    await assert.rejects(
      process(record(JSON.stringify(newStepMessage(data, 'urn:t')))),
      /apply-config message arrived on the halt queue/,
    );
  });

  it("reports only the failed records of a batch, and runs one ops request's records in order", async () => {
    const order: string[] = [];
    const handler = createStepHandler({
      step: 'apply-config',
      log: silent,
      depsFor: async () => depsWithQueue([]),
      run: async (d) => {
        order.push(`${d.opsRequest.name}:${d.attempt}`);
        if (d.opsRequest.name === 'bad') throw new UnavailableError('redis down');
      },
    });
    const msg = (name: string, attempt: number) =>
      JSON.stringify(newStepMessage({ ...data, opsRequest: { name, uid: name }, attempt }, 'urn:t'));
    const event = {
      Records: [record(msg('a', 0), 'a0'), record(msg('bad', 0), 'b0'), record(msg('a', 1), 'a1'), record('nope', 'x')],
    };
    const response = await handler(event, {
      awsRequestId: 'r',
      functionName: 'f',
      getRemainingTimeInMillis: () => 1000,
    });
    assert.deepEqual(response.batchItemFailures.map((f) => f.itemIdentifier).sort(), ['b0', 'x']);
    assert.ok(order.indexOf('a:0') < order.indexOf('a:1'));
  });
});
