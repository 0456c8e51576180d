/**
 * The forwarder's ListWatch against a misbehaving API server (the local one's fault injector): 410 Gone, dropped
 * streams and failing LIST/WATCH requests. After each, ops requests created later — or during the outage — must
 * still reach the queue.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Forwarder } from '../../functions/forwarder/forwarder.ts';
import type { StepMessage } from '../../shared/messages/step-message.ts';
import {
  createNamespace,
  createOpsRequest,
  createQueue,
  drainQueue,
  forwarderConfig,
  runForwarder,
  startKube,
  startSqs,
  waitFor,
  type Kube,
  type Sqs,
} from './harness.ts';

describe('forwarder: watch faults', () => {
  let kube: Kube;
  let sqs: Sqs;
  let queueUrl: string;
  let forwarder: Forwarder;
  const namespace = 'faults';
  const received: StepMessage[] = [];

  /** Creates an ops request and waits until its halt message is on the queue. */
  async function expectForwarded(name: string): Promise<void> {
    const { uid } = await createOpsRequest(kube, { name, namespace });
    await waitFor(`halt message for ${name}`, async () => {
      received.push(...(await drainQueue(sqs, queueUrl)));
      return received.some((m) => m.data.opsRequest.uid === uid);
    });
  }

  before(async () => {
    kube = await startKube({ bookmarkIntervalMs: 500 });
    sqs = await startSqs();
    queueUrl = await createQueue(sqs, 'halt-faults');
    await createNamespace(kube, namespace);
    // A shorter backoff cap than production's 30 s keeps each case within seconds; the schedule itself is unit-tested.
    forwarder = runForwarder(
      kube,
      sqs,
      forwarderConfig(queueUrl, {
        watchNamespaces: [namespace],
        // The faults below are counted on the ops request watch; the wake-up watches (pods, Redises; their own suite,
        // wake-ups.test.ts) would add relists of their own when the server answers their re-watch 410.
        wakeUps: false,
      }),
      {
        watchBackoff: { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0.3 },
        watchHealthyAfterMs: 2_000,
      },
    );
    await forwarder.ready;
  });
  afterEach(() => kube.server.faults.reset());
  after(async () => {
    await forwarder?.stop();
    await sqs?.stop();
    await kube?.stop();
  });

  it('relists after a 410 Gone on the open watch and keeps forwarding', async () => {
    await expectForwarded('before-gone');
    const relists = forwarder.stats().relists;
    kube.server.faults.forceGone();
    await waitFor('a relist', () => forwarder.stats().relists > relists);
    await expectForwarded('after-gone');
  });

  it('relists again when the next watches answer 410 at once', async () => {
    const relists = forwarder.stats().relists;
    kube.server.faults.forceGone(2);
    kube.server.faults.dropWatches();
    await waitFor('two relists', () => forwarder.stats().relists >= relists + 2);
    await expectForwarded('after-repeated-gone');
  });

  it('re-watches from the last resourceVersion after a dropped stream, missing nothing created meanwhile', async () => {
    const restarts = forwarder.stats().watchRestarts;
    const relists = forwarder.stats().relists;
    // The re-watch fails a few times (backoff 200, 400, 800 ms): an ops request created in that gap must not be lost.
    await waitFor('the watch is open', () => kube.server.faults.watches.size > 0);
    kube.server.faults.failNext('watch', 3, 503);
    assert.ok(kube.server.faults.dropWatches() >= 1);
    await expectForwarded('created-while-disconnected');
    assert.ok(forwarder.stats().watchRestarts >= restarts + 4, 'the drop and each failed re-watch count as restarts');
    assert.equal(forwarder.stats().relists, relists, 'resuming from the resourceVersion needs no relist');
    await expectForwarded('after-reconnect');
  });

  it('retries failing LISTs with backoff and recovers', async () => {
    const relists = forwarder.stats().relists;
    kube.server.faults.failNext('list', 3, 500);
    kube.server.faults.forceGone();
    await expectForwarded('created-while-list-fails');
    assert.ok(forwarder.stats().relists > relists);
    await expectForwarded('after-list-recovered');
  });

  it('survives a random error rate on every LIST and WATCH', async () => {
    let seed = 42; // a fixed linear congruential sequence: the same requests fail on every run
    kube.server.faults.random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    kube.server.faults.set('list', { errorRate: 0.5, code: 503 });
    kube.server.faults.set('watch', { errorRate: 0.5, code: 500 });
    kube.server.faults.dropWatches();
    await expectForwarded('under-error-rate');
    kube.server.faults.reset();
    await expectForwarded('after-error-rate');
    const uids = received.map((m) => m.data.opsRequest.uid);
    assert.equal(forwarder.stats().sendFailures, 0);
    assert.ok(uids.length >= 8);
  });
});
