/**
 * SnsEventPublisher through the real SDK to fauxqs's SNS, read back from an SQS queue subscribed with raw message
 * delivery — the way a consuming team would read the events. The topic is the one serverless.yml declares.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  EventRejectedError,
  SnsEventPublisher,
  publisherFromEnv,
  transitionDeduplicationId,
} from '../../shared/adapters/events/index.ts';
import { UnavailableError } from '../../shared/errors.ts';
import { transitionEventSchema } from '../../shared/messages/transition-event.ts';
import { LOCAL_CREDENTIALS, startLocalSqs, type LocalSqs } from '../../infra/local/sqs/index.ts';
import { bodyOf, receive, transition } from './helpers.ts';

void describe('SnsEventPublisher → fauxqs SNS FIFO topic → SQS FIFO subscription', () => {
  let sqs: LocalSqs;
  let publisher: SnsEventPublisher;
  before(async () => {
    sqs = await startLocalSqs({ stage: 'events' });
    const port = publisherFromEnv({ EVENTS_TOPIC_ARN: sqs.topicArns.EventsTopic }, { sns: sqs.sns });
    assert.ok(port instanceof SnsEventPublisher);
    publisher = port;
  });
  after(async () => {
    await sqs.stop();
  });

  void it('creates the FIFO topic serverless.yml declares, under the stage name', async () => {
    assert.equal(sqs.topicArns.EventsTopic, 'arn:aws:sns:us-east-1:000000000000:redis-reconfigure-events-events.fifo');
    const read = await sqs.sns.send(new GetTopicAttributesCommand({ TopicArn: sqs.topicArns.EventsTopic }));
    assert.equal(read.Attributes?.FifoTopic, 'true');
    assert.equal(read.Attributes?.ContentBasedDeduplication, 'false');
  });

  void it('delivers the CloudEvent unchanged as the body, with the filterable fields as message attributes', async () => {
    const queueUrl = await sqs.subscribeQueue('EventsTopic', 'envelope');
    assert.match(queueUrl, /\/envelope\.fifo$/);
    const event = transition({ message: 'Successfully paused database — ünïcode & <xml> "quotes"' });
    await publisher.publish(event);
    const [message] = await receive(sqs.client, queueUrl, 1);
    assert.deepEqual(bodyOf(message!), event);
    assert.deepEqual(transitionEventSchema.parse(bodyOf(message!)), event);
    const attributes = Object.fromEntries(
      Object.entries(message!.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
    );
    assert.deepEqual(attributes, {
      'cloudevents.specversion': '1.0',
      type: 'io.redis-reconfigure.opsrequest.condition.v1',
      source: 'urn:redis-reconfigure:function:halt',
      subject: 'eu-prod-1/demo/rdops-reconfigure',
      clusterId: 'eu-prod-1',
      phase: 'Progressing',
      conditionType: 'DatabasePauseSucceeded',
      conditionStatus: 'True',
    });
  });

  void it("keeps one ops request's transitions in publish order, each ops request in its own message group", async () => {
    const queueUrl = await sqs.subscribeQueue('EventsTopic', 'ordered');
    const a = [
      'Reconfigure',
      'DatabasePauseSucceeded',
      'patchedSecret',
      'UpdatePetSets',
      'EvictPod--rd-0',
      'IsPodReady--rd-0',
      'RestartPods',
      'Successful',
    ];
    const b = ['Reconfigure', 'DatabasePauseSucceeded', 'Failed'];
    for (let i = 0; i < a.length; i++) {
      await publisher.publish(transition({ uid: 'uid-a', name: 'ops-a', type: a[i], sequence: i }));
      if (b[i] !== undefined)
        await publisher.publish(transition({ uid: 'uid-b', name: 'ops-b', type: b[i], sequence: i }));
    }
    const got = (await receive(sqs.client, queueUrl, a.length + b.length)).map((m) =>
      transitionEventSchema.parse(bodyOf(m)),
    );
    const story = (uid: string): string[] =>
      got.filter((e) => e.data.opsRequest.uid === uid).map((e) => e.data.condition.type);
    assert.deepEqual(story('uid-a'), a);
    assert.deepEqual(story('uid-b'), b);
    assert.deepEqual(
      got.filter((e) => e.data.opsRequest.uid === 'uid-a').map((e) => e.data.sequence),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
  });

  void it('delivers a transition published twice (new event id, same transition) once; a changed transition again', async () => {
    const queueUrl = await sqs.subscribeQueue('EventsTopic', 'dedup');
    const first = transition({ uid: 'uid-d', type: 'IsPodReady--rd-1', status: 'False', message: 'waiting' });
    const replay = transition({ uid: 'uid-d', type: 'IsPodReady--rd-1', status: 'False', message: 'waiting' });
    assert.notEqual(first.id, replay.id);
    assert.equal(transitionDeduplicationId(first), transitionDeduplicationId(replay));
    await publisher.publish(first);
    await publisher.publish(replay);
    // Same message group: had the replay been delivered, it would arrive before this later transition.
    await publisher.publish(transition({ uid: 'uid-d', type: 'IsPodReady--rd-1', status: 'True', message: 'ready' }));
    const got = (await receive(sqs.client, queueUrl, 2)).map((m) => transitionEventSchema.parse(bodyOf(m)));
    assert.deepEqual(
      got.map((e) => [e.id, e.data.condition.status]),
      [
        [first.id, 'False'],
        [got[1]!.id, 'True'],
      ],
    );
  });

  void it('does not deduplicate the same transition of another ops request (uid in the identity)', () => {
    const one = transition({ uid: 'uid-1', name: 'same-name' });
    const recreated = transition({ uid: 'uid-2', name: 'same-name' });
    assert.notEqual(transitionDeduplicationId(one), transitionDeduplicationId(recreated));
    assert.match(transitionDeduplicationId(one), /^[0-9a-f]{64}$/);
  });

  void it('throws EventRejectedError when SNS refuses (no such topic)', async () => {
    const missing = new SnsEventPublisher(sqs.sns, 'arn:aws:sns:us-east-1:000000000000:no-such-topic.fifo');
    await assert.rejects(
      missing.publish(transition()),
      (err: Error) => err instanceof EventRejectedError && /no-such-topic/.test(err.message),
    );
  });
});

void describe('SnsEventPublisher transport failure', () => {
  void it('throws UnavailableError when SNS cannot be reached', async () => {
    // A port that was just listening and is now closed: connection refused, deterministically, on loopback.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    const client = new SNSClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      const publisher = new SnsEventPublisher(client, 'arn:aws:sns:us-east-1:000000000000:t.fifo');
      await assert.rejects(
        publisher.publish(transition()),
        (err: Error) => err instanceof UnavailableError && err.cause !== undefined,
      );
    } finally {
      client.destroy();
    }
  });
});
