/**
 * Local wiring == serverless.yml: the queues (names, visibility, redrive) and each function's own environment,
 * with `!Ref Queue` resolved to the local queue URL so handler code using the plain SDK reaches fauxqs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { LocalSqs } from '../../infra/local/sqs/index.ts';
import { startLocalSqs } from '../../infra/local/sqs/index.ts';
import { startFixture, waitFor, type Fixture } from './harness.ts';

async function attributesOf(sqs: LocalSqs, logicalId: string): Promise<Record<string, string>> {
  const read = await sqs.client.send(
    new GetQueueAttributesCommand({ QueueUrl: sqs.queueUrls[logicalId], AttributeNames: ['All'] }),
  );
  return read.Attributes ?? {};
}

void describe('local SQS from the project serverless.yml', () => {
  let sqs: LocalSqs;
  before(async () => {
    sqs = await startLocalSqs({ stage: 'ci' });
  });
  after(async () => {
    await sqs.stop();
  });

  void it('creates exactly the declared queues and DLQs, named for the stage, on a loopback endpoint', () => {
    assert.match(sqs.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(Object.keys(sqs.queueUrls).sort(), [
      'ApplyConfigDLQ',
      'ApplyConfigQueue',
      'HaltDLQ',
      'HaltQueue',
      'RecoverDLQ',
      'RecoverQueue',
      'RestartPodDLQ',
      'RestartPodQueue',
      'ResumeDLQ',
      'ResumeQueue',
      'RolloutDLQ',
      'RolloutQueue',
    ]);
    assert.equal(sqs.queueUrls.HaltQueue, `${sqs.endpoint}/000000000000/redis-reconfigure-ci-halt`);
    assert.equal(sqs.queueArns.ResumeDLQ, 'arn:aws:sqs:us-east-1:000000000000:redis-reconfigure-ci-resume-dlq');
  });

  void it('sets each work queue redrive policy to its own DLQ with maxReceiveCount from custom', async () => {
    for (const step of ['Halt', 'ApplyConfig', 'RestartPod', 'Resume']) {
      const attributes = await attributesOf(sqs, `${step}Queue`);
      assert.deepEqual(JSON.parse(attributes.RedrivePolicy ?? '{}'), {
        deadLetterTargetArn: sqs.queueArns[`${step}DLQ`],
        maxReceiveCount: 5,
      });
      assert.equal(attributes.VisibilityTimeout, '180');
      const dlq = await attributesOf(sqs, `${step}DLQ`);
      assert.equal(dlq.MessageRetentionPeriod, '1209600');
      assert.equal(dlq.RedrivePolicy, undefined);
    }
  });
});

void describe('lambda runner: environment', () => {
  let fixture: Fixture;
  before(async () => {
    fixture = await startFixture();
  });
  after(async () => {
    await fixture.stop();
  });

  void it('gives each function its own environment, with queue refs resolved to local URLs the SDK can use', async () => {
    fixture.startRunner({
      functions: ['env-a', 'env-b'],
      env: { RECORD_FILE: fixture.recordFile, EXTRA: 'from-caller' },
    });
    await fixture.send('EnvAQueue', 'hello');

    // env-a forwards to QUEUE_URL_NEXT (EnvBQueue) with `new SQSClient({})`: env-b receiving it proves the URL
    // and AWS_ENDPOINT_URL_SQS work for unmodified handler code.
    const b = await waitFor('env-b to receive the forwarded message', () =>
      fixture.records().find((l) => l.fn === 'fixture-test-env-b'),
    );
    const a = fixture.records().find((l) => l.fn === 'fixture-test-env-a')!;
    assert.deepEqual(
      b.records.map((r) => r.body),
      ['via-a:hello'],
    );
    assert.deepEqual(a.env, {
      WHO: 'a',
      SHARED: 'shared-test',
      FROM_PARAM: 'param-default',
      EXTRA: 'from-caller',
      QUEUE_URL_BATCH: fixture.sqs.queueUrls.BatchQueue,
      QUEUE_URL_NEXT: fixture.sqs.queueUrls.EnvBQueue,
      AWS_REGION: 'eu-west-1',
      AWS_LAMBDA_FUNCTION_NAME: 'fixture-test-env-a',
      AWS_ENDPOINT_URL_SQS: fixture.sqs.endpoint,
    });
    assert.equal(b.env?.WHO, 'b');
    assert.equal(b.env?.QUEUE_URL_NEXT, undefined, "env-a's own variable does not leak into env-b");
    assert.equal(a.context?.functionName, 'fixture-test-env-a');
    assert.equal(a.context?.invokedFunctionArn, 'arn:aws:lambda:eu-west-1:000000000000:function:fixture-test-env-a');
    assert.equal(process.env.WHO, undefined, 'the runner process environment is untouched');
  });
});

void describe('lambda runner: log files', () => {
  let fixture: Fixture;
  before(async () => {
    fixture = await startFixture();
  });
  after(async () => {
    await fixture.stop();
  });

  void it("with logDir, appends each function's output and REPORT lines to its own file, as a log group", async () => {
    const logDir = join(fixture.distDir, '..', 'logs');
    const runner = fixture.startRunner({ functions: ['env-a', 'env-b'], logDir });
    await fixture.send('EnvAQueue', 'logged');
    await waitFor('env-b to run', () =>
      fixture.records().some((l) => l.fn === 'fixture-test-env-b' && l.records[0]?.body === 'via-a:logged'),
    );
    await runner.stop();
    const a = readFileSync(join(logDir, 'env-a.log'), 'utf8');
    const b = readFileSync(join(logDir, 'env-b.log'), 'utf8');
    assert.match(a, /^\[env-a\] a got 1 record\(s\)$/m);
    assert.match(a, /^\[env-a\] REPORT RequestId: \S+ Duration: [\d.]+ ms .*Records: 1 ok, 0 failed \(success\)$/m);
    assert.match(b, /^\[env-b\] b got 1 record\(s\)$/m);
    assert.doesNotMatch(a, /\[env-b\]/, 'one file per function');
  });
});
