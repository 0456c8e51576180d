/**
 * The local stack gives the functions what CloudFormation would: `!Ref EventsTopic` resolves to the local topic ARN,
 * and with the runner's AWS_ENDPOINT_URL_SNS, `publisherFromEnv` with default SDK clients reaches fauxqs unchanged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { publisherFromEnv, SnsEventPublisher } from '../../shared/adapters/events/index.ts';
import { transitionEventSchema, type TransitionEvent } from '../../shared/messages/transition-event.ts';
import { loadServerlessConfig, resolveEnvironment } from '../../infra/local/serverless-config.ts';
import { startLocalSqs, type LocalSqs } from '../../infra/local/sqs/index.ts';
import { bodyOf, receive, transition } from './helpers.ts';

void describe('local wiring of the events topic', () => {
  let sqs: LocalSqs;
  before(async () => {
    sqs = await startLocalSqs({ stage: 'local' });
  });
  after(async () => {
    await sqs.stop();
  });

  void it("resolves every function's EVENTS_TOPIC_ARN to the local topic and leaves EventBridge off", () => {
    for (const fn of loadServerlessConfig({ stage: 'local' }).functions) {
      const env = resolveEnvironment(fn.environment, sqs);
      assert.equal(env.EVENTS_TOPIC_ARN, sqs.topicArns.EventsTopic, fn.name);
      assert.equal(env.EVENT_BUS_NAME, '', fn.name);
      assert.ok(publisherFromEnv(env) instanceof SnsEventPublisher, fn.name);
    }
  });

  void it('publishes with default SDK clients configured only by the environment the runner sets', async () => {
    const queueUrl = await sqs.subscribeQueue('EventsTopic', 'watcher');
    const runnerEnv = {
      AWS_ENDPOINT_URL_SNS: sqs.endpoint,
      AWS_REGION: sqs.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    };
    // The SDK reads these lazily, on each request: set for this test only (tests in a file run one at a time, each
    // test file in its own process), restored whatever happens.
    const saved = Object.fromEntries(Object.keys(runnerEnv).map((k) => [k, process.env[k]]));
    Object.assign(process.env, runnerEnv);
    const event = transition();
    try {
      await publisherFromEnv({ EVENTS_TOPIC_ARN: sqs.topicArns.EventsTopic }).publish(event);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    const [message] = await receive(sqs.client, queueUrl, 1);
    assert.deepEqual(transitionEventSchema.parse(bodyOf(message!)), event);
  });

  void it('subscribes the rollout queue as serverless.yml does: only outcome events of ops requests a rollout made', async () => {
    const publisher = new SnsEventPublisher(sqs.sns, sqs.topicArns.EventsTopic!);
    const rollout = { ref: 'c1/fleet/r1', uid: '3f1c2a9e-0000-4000-8000-00000000000f' };
    const withRollout = (e: TransitionEvent): TransitionEvent => ({ ...e, data: { ...e.data, rollout } });
    const outcome = transition({ uid: 'u-1', type: 'Successful', phase: 'Successful', sequence: 5 });
    await publisher.publish(transition({ uid: 'u-0', type: 'Successful', phase: 'Successful' })); // made by hand
    await publisher.publish(withRollout(transition({ uid: 'u-1' }))); // not an outcome
    await publisher.publish(withRollout(outcome));
    // The FIFO topic delivers to the standard queue: the one selected event, raw, its attributes along.
    const queueUrl = sqs.queueUrls.RolloutQueue!;
    const [message, ...more] = await receive(sqs.client, queueUrl, 1);
    assert.deepEqual(transitionEventSchema.parse(bodyOf(message!)).data.rollout, rollout);
    assert.equal(message!.MessageAttributes?.rollout?.StringValue, 'c1/fleet/r1');
    assert.deepEqual(more, []);
    await assert.rejects(receive(sqs.client, queueUrl, 1, 2_000), /received 0 of 1/, 'nothing else was let through');
  });
});
