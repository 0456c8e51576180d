/**
 * Two forwarders sharing one Lease on the local API server: only the leader sends; when it stops, the other takes
 * over within the lease duration. And stop() does not return before a pending batch reached SQS.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { kubeLeaseStore } from '../../functions/forwarder/kube-lease-store.ts';
import type { LeaseStore } from '../../functions/forwarder/leader-election.ts';
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

/** Forwarders competing for one Lease in `namespace` (2 s lease, renewed every 0.5 s), watching only it. */
const leaderConfig = (queueUrl: string, namespace: string) => (identity: string) =>
  forwarderConfig(queueUrl, {
    identity,
    leaderElection: true,
    leaseNamespace: namespace,
    watchNamespaces: [namespace],
    leaseDurationSeconds: 2,
    leaseRenewSeconds: 0.5,
  });

describe('forwarder: leader election and drain', () => {
  let kube: Kube;
  let sqs: Sqs;

  before(async () => {
    kube = await startKube();
    sqs = await startSqs();
  });
  after(async () => {
    await sqs?.stop();
    await kube?.stop();
  });

  it('only the leader sends; stopping it hands over within the lease duration', async (t) => {
    const namespace = 'leader';
    await createNamespace(kube, namespace);
    const queueUrl = await createQueue(sqs, 'halt-leader');
    const config = leaderConfig(queueUrl, namespace);
    const a = runForwarder(kube, sqs, config('forwarder-a'));
    t.after(() => a.stop());
    await a.ready;
    await waitFor('a leads', () => a.isLeader());
    const b = runForwarder(kube, sqs, config('forwarder-b'));
    t.after(() => b.stop());
    await b.ready;
    assert.equal(b.isLeader(), false);
    const readyz = await fetch(`${b.healthUrl()}/readyz`);
    assert.equal(readyz.status, 200, 'a follower with a healthy Lease client is ready');
    assert.match(await readyz.text(), /follower/);
    assert.match(
      await (await fetch(`${b.healthUrl()}/metrics`)).text(),
      /^forwarder_is_leader\{cluster_id="test-cluster"\} 0$/m,
    );

    const received: StepMessage[] = [];
    const first = await createOpsRequest(kube, { name: 'first', namespace });
    await waitFor('first forwarded', async () => {
      received.push(...(await drainQueue(sqs, queueUrl)));
      return received.some((m) => m.data.opsRequest.uid === first.uid);
    });
    assert.equal(received.length, 1);
    assert.equal(a.stats().messagesSent, 1);
    assert.equal(b.stats().messagesSent, 0);

    const lease = (
      await kube.kc
        .makeApiClient(CoordinationV1Api)
        .readNamespacedLease({ name: 'redis-reconfigure-forwarder', namespace })
    ).spec;
    assert.equal(lease?.holderIdentity, 'forwarder-a');

    const stoppedAt = Date.now();
    await a.stop();
    await waitFor('b takes over', () => b.isLeader(), 2_000);
    const handover = Date.now() - stoppedAt;
    assert.ok(handover <= 2_000, `hand-over took ${handover} ms`);
    const second = await createOpsRequest(kube, { name: 'second', namespace });
    await waitFor('second forwarded by b', async () => {
      received.push(...(await drainQueue(sqs, queueUrl)));
      return received.some((m) => m.data.opsRequest.uid === second.uid);
    });
    assert.equal(a.stats().messagesSent, 1, 'the stopped leader sent nothing more');
    // b announces the still-live "first" again from its initial list (a harmless duplicate) and "second".
    assert.ok(b.stats().messagesSent >= 1);
    process.stdout.write(`# lease hand-over after graceful stop: ${handover} ms\n`);
  });

  it('a leader cut off from the Lease API steps down; the other takes over once the Lease expired', async (t) => {
    const namespace = 'crash';
    await createNamespace(kube, namespace);
    const queueUrl = await createQueue(sqs, 'halt-crash');
    const config = leaderConfig(queueUrl, namespace);
    // a's Lease client can be cut (as if its node lost the network); b uses the API directly.
    let cut = false;
    const real = kubeLeaseStore(kube.kc, namespace, 'redis-reconfigure-forwarder');
    const guard = <T>(f: () => Promise<T>): Promise<T> => (cut ? Promise.reject(new Error('connect ETIMEDOUT')) : f());
    const cuttable: LeaseStore = {
      get: () => guard(() => real.get()),
      create: (spec) => guard(() => real.create(spec)),
      update: (spec, rv) => guard(() => real.update(spec, rv)),
    };
    const a = runForwarder(kube, sqs, config('forwarder-a'), { leaseStore: cuttable });
    t.after(() => a.stop());
    await waitFor('a leads', () => a.isLeader());
    const b = runForwarder(kube, sqs, config('forwarder-b'));
    t.after(() => b.stop());
    await b.ready;

    cut = true;
    const cutAt = Date.now();
    let aSteppedDown = 0;
    await waitFor(
      'b takes over',
      () => {
        assert.ok(!(a.isLeader() && b.isLeader()), 'never two leaders');
        if (!a.isLeader() && aSteppedDown === 0) aSteppedDown = Date.now() - cutAt;
        return b.isLeader();
      },
      5_000,
    );
    const takeover = Date.now() - cutAt;
    assert.ok(
      aSteppedDown > 0 && aSteppedDown < 2_000,
      `a stepped down after ${aSteppedDown} ms, before its Lease expired`,
    );
    assert.ok(takeover <= 2_000 + 500 + 500, `b took over after ${takeover} ms (lease 2 s + one retry)`);
    const { uid } = await createOpsRequest(kube, { name: 'after-crash', namespace });
    const received: StepMessage[] = [];
    await waitFor('forwarded by b', async () => {
      received.push(...(await drainQueue(sqs, queueUrl)));
      return received.some((m) => m.data.opsRequest.uid === uid);
    });
    assert.equal(a.stats().messagesSent, 0);
    process.stdout.write(
      `# lease take-over after the leader was cut off: ${takeover} ms (stepped down after ${aSteppedDown} ms)\n`,
    );
  });

  it('stop() resolves only after a pending batch reached the queue', async (t) => {
    const namespace = 'drain';
    await createNamespace(kube, namespace);
    const queueUrl = await createQueue(sqs, 'halt-drain');
    // The same SQS endpoint, with a gate in front of SendMessageBatch: the batch is in flight while stop() runs.
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    let gatedCalls = 0;
    const client = new SQSClient({
      region: 'us-east-1',
      endpoint: sqs.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    t.after(() => client.destroy());
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'SendMessageBatchCommand') {
          gatedCalls++;
          await gate;
        }
        return next(args);
      },
      { step: 'initialize', name: 'testGate' },
    );
    const forwarder: Forwarder = runForwarder(kube, sqs, forwarderConfig(queueUrl, { watchNamespaces: [namespace] }), {
      sqs: client,
    });
    await forwarder.ready;
    const { uid } = await createOpsRequest(kube, { name: 'pending', namespace });
    await waitFor('the batch is in flight', () => gatedCalls === 1);

    let stopped = false;
    const stopping = forwarder.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(stopped, false, 'stop waits for the in-flight batch');
    assert.deepEqual(await drainQueue(sqs, queueUrl), []);
    open();
    await stopping;
    const messages = await drainQueue(sqs, queueUrl);
    assert.deepEqual(
      messages.map((m) => m.data.opsRequest.uid),
      [uid],
    );
    assert.equal(forwarder.stats().messagesSent, 1);
    await assert.rejects(fetch(`${forwarder.healthUrl()}/healthz`), 'the health server is closed');
  });
});
