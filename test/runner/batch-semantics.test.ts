/**
 * The runner deletes, keeps and redrives records exactly as Lambda's SQS event-source mapping with
 * ReportBatchItemFailures does. Fixture `batch`: batchSize 3, queue visibility 1 s, maxReceiveCount 2.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { InvocationEndEvent } from '../../infra/local/lambda-runner/index.ts';
import { startFixture, waitFor, type Fixture, type RecordLine } from './harness.ts';

function deliveriesOf(records: RecordLine[], body: string): number[] {
  return records.flatMap((line) => line.records.filter((r) => r.body === body).map((r) => r.receiveCount));
}

void describe('lambda runner: batches', () => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await startFixture();
  });
  afterEach(async () => {
    await fixture.stop();
  });

  void it('never invokes with more records than batchSize, and delivers real-shaped SQS records', async () => {
    const sent = new Set<string>();
    const withAttribute = await fixture.sqs.client.send(
      new SendMessageCommand({
        QueueUrl: fixture.sqs.queueUrls.BatchQueue,
        MessageBody: 'ok-0',
        MessageAttributes: { trace: { DataType: 'String', StringValue: 'abc' } },
      }),
    );
    sent.add(withAttribute.MessageId!);
    for (let i = 1; i < 7; i++) sent.add(await fixture.send('BatchQueue', `ok-${i}`));
    const ends: InvocationEndEvent[] = [];
    fixture.startRunner({ functions: ['batch'] }).on('invocation-end', (e) => ends.push(e));

    await waitFor('all 7 records processed', () => ends.reduce((n, e) => n + e.okCount, 0) === 7);
    const sizes = fixture.records().map((line) => line.records.length);
    assert.ok(
      sizes.every((size) => size <= 3),
      `batch sizes ${sizes.join(',')}`,
    );
    assert.equal(Math.max(...sizes), 3, 'a full batch of 3 was formed from the backlog');
    assert.deepEqual(new Set(fixture.records().flatMap((l) => l.records.map((r) => r.id))), sent);
    assert.deepEqual(await fixture.approximateCounts('BatchQueue'), { visible: 0, inFlight: 0 });

    // Delivery order is not guaranteed: look at the record that carried the message attribute.
    const sample = fixture
      .records()
      .map((l) => l.sample)
      .find((r) => r?.body === 'ok-0')!;
    assert.deepEqual(Object.keys(sample).sort(), [
      'attributes',
      'awsRegion',
      'body',
      'eventSource',
      'eventSourceARN',
      'md5OfBody',
      'md5OfMessageAttributes',
      'messageAttributes',
      'messageId',
      'receiptHandle',
    ]);
    assert.equal(sample.body, 'ok-0');
    assert.deepEqual(sample.messageAttributes, {
      trace: { stringValue: 'abc', stringListValues: [], binaryListValues: [], dataType: 'String' },
    });
    assert.equal(sample.eventSource, 'aws:sqs');
    assert.equal(sample.eventSourceARN, fixture.sqs.queueArns.BatchQueue);
    assert.equal(sample.awsRegion, 'eu-west-1');
    assert.equal(sample.md5OfBody, createHash('md5').update(sample.body).digest('hex'));
    assert.equal(sample.attributes.ApproximateReceiveCount, '1');
    for (const key of ['SentTimestamp', 'ApproximateFirstReceiveTimestamp'] as const) {
      assert.match(sample.attributes[key], /^\d{13}$/, `${key} is epoch ms`);
    }
    assert.ok(sample.attributes.SenderId, 'SenderId');
    assert.ok(sample.receiptHandle);
  });

  void it('partial batch response: failed records come back with a rising receive count, then go to the DLQ; the rest are deleted once', async () => {
    await fixture.send('BatchQueue', 'ok-a');
    const failedId = await fixture.send('BatchQueue', 'fail');
    await fixture.send('BatchQueue', 'ok-b');
    const ends: InvocationEndEvent[] = [];
    fixture.startRunner({ functions: ['batch'] }).on('invocation-end', (e) => ends.push(e));

    const dead = await waitFor('the failed record in the DLQ', async () => {
      const messages = await fixture.drain('BatchDLQ');
      return messages.length > 0 ? messages : undefined;
    });
    assert.deepEqual(
      dead.map((m) => [m.MessageId, m.Body]),
      [[failedId, 'fail']],
    );
    const records = fixture.records();
    assert.deepEqual(deliveriesOf(records, 'fail'), [1, 2], 'delivered maxReceiveCount (2) times, count rising');
    assert.deepEqual(deliveriesOf(records, 'ok-a'), [1], 'a successful record is never redelivered');
    assert.deepEqual(deliveriesOf(records, 'ok-b'), [1]);
    assert.equal(ends[0]?.outcome, 'partial-failure');
    assert.deepEqual(ends[0]?.failedMessageIds, [failedId]);
    assert.deepEqual(await fixture.approximateCounts('BatchQueue'), { visible: 0, inFlight: 0 });
  });

  void it('a thrown error fails the whole batch: every record is retried', async () => {
    await fixture.send('BatchQueue', 'ok-c');
    await fixture.send('BatchQueue', 'throw-once');
    const ends: InvocationEndEvent[] = [];
    fixture.startRunner({ functions: ['batch'] }).on('invocation-end', (e) => ends.push(e));

    await waitFor('both records processed after the retry', () => ends.reduce((n, e) => n + e.okCount, 0) === 2);
    assert.equal(ends[0]?.outcome, 'error');
    assert.equal(ends[0]?.error?.message, 'fixture: throw-once');
    assert.equal(ends[0]?.okCount, 0);
    const records = fixture.records();
    assert.deepEqual(deliveriesOf(records, 'ok-c'), [1, 2], 'the innocent record was retried too');
    assert.deepEqual(deliveriesOf(records, 'throw-once'), [1, 2]);
    assert.deepEqual(await fixture.drain('BatchDLQ'), []);
  });

  void it('an itemIdentifier that is not in the batch fails the whole batch, as Lambda does', async () => {
    await fixture.send('BatchQueue', 'ok-d');
    await fixture.send('BatchQueue', 'bad-id-once');
    const ends: InvocationEndEvent[] = [];
    fixture.startRunner({ functions: ['batch'] }).on('invocation-end', (e) => ends.push(e));

    await waitFor('both records processed after the retry', () => ends.reduce((n, e) => n + e.okCount, 0) === 2);
    assert.equal(ends[0]?.outcome, 'invalid-response');
    assert.equal(ends[0]?.failedCount, 2);
    assert.deepEqual(deliveriesOf(fixture.records(), 'ok-d'), [1, 2]);
  });
});
