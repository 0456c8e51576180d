/**
 * The forwarder against the local Kubernetes API (HTTPS) and the SQS emulator with the real SDK: what reaches the
 * halt queue, and what does not.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventTypeFor, type StepMessage } from '../../shared/messages/step-message.ts';
import {
  createNamespace,
  createOpsRequest,
  createQueue,
  drainQueue,
  forwarderConfig,
  runForwarder,
  setPhase,
  startKube,
  startSqs,
  waitFor,
  type Kube,
  type Sqs,
} from './harness.ts';

describe('forwarder: what reaches the halt queue', () => {
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

  it('announces a new Reconfigure exactly once, as a valid halt message; terminal and other types never', async (t) => {
    const queueUrl = await createQueue(sqs, 'halt-basic');
    // Finished and non-Reconfigure ones exist before the forwarder starts: the initial list must skip them.
    await createOpsRequest(kube, { name: 'already-done', phase: 'Successful' });
    await createOpsRequest(kube, { name: 'already-failed', phase: 'Failed' });
    await createOpsRequest(kube, { name: 'skipped', phase: 'Skipped' });
    await createOpsRequest(kube, { name: 'version-bump', type: 'UpdateVersion' });
    const forwarder = runForwarder(kube, sqs, forwarderConfig(queueUrl, { clusterId: 'cluster-a' }));
    t.after(() => forwarder.stop());
    await forwarder.ready;
    await createOpsRequest(kube, { name: 'scale-out', type: 'HorizontalScaling' });
    const { uid } = await createOpsRequest(kube, { name: 'rdops-reconfigure' });
    // Events arrive in order: once the last one is sent, the ones before it were decided.
    await waitFor('one message sent', () => forwarder.stats().messagesSent >= 1);

    const messages = await drainQueue(sqs, queueUrl);
    assert.equal(messages.length, 1);
    const [m] = messages;
    assert.equal(m?.type, eventTypeFor('halt'));
    assert.equal(m?.source, 'urn:redis-reconfigure:forwarder:cluster-a');
    assert.equal(m?.subject, 'cluster-a/default/rdops-reconfigure');
    assert.deepEqual(m?.data, {
      version: 1,
      clusterId: 'cluster-a',
      namespace: 'default',
      opsRequest: { name: 'rdops-reconfigure', uid },
      step: 'halt',
      attempt: 0,
      traceId: uid.replace(/-/g, ''),
    });
    const stats = forwarder.stats();
    assert.equal(stats.opsRequestsSeen, 6);
    assert.equal(stats.opsRequestsIgnored, 2);
    assert.equal(stats.sendFailures, 0);

    // Our own functions write status (Progressing, conditions): that must not produce more messages.
    await setPhase(kube, 'rdops-reconfigure', 'Progressing');
    const { uid: sentinelUid } = await createOpsRequest(kube, { name: 'sentinel' });
    await waitFor('sentinel sent', () => forwarder.stats().messagesSent >= 2);
    const later = await drainQueue(sqs, queueUrl);
    assert.deepEqual(
      later.map((x) => x.data.opsRequest.uid),
      [sentinelUid],
    );

    const metrics = await (await fetch(`${forwarder.healthUrl()}/metrics`)).text();
    assert.match(metrics, /^forwarder_messages_sent_total\{cluster_id="cluster-a"\} 2$/m);
    assert.match(metrics, /^forwarder_is_leader\{cluster_id="cluster-a"\} 1$/m);
    assert.equal((await fetch(`${forwarder.healthUrl()}/readyz`)).status, 200);
    assert.equal((await fetch(`${forwarder.healthUrl()}/healthz`)).status, 200);
  });

  it('re-announces every non-terminal ops request each resync period, and stops once it is terminal', async (t) => {
    const queueUrl = await createQueue(sqs, 'halt-resync');
    const namespace = 'resync';
    await createNamespace(kube, namespace);
    await createOpsRequest(kube, { name: 'stuck', namespace, phase: 'Progressing' });
    await createOpsRequest(kube, { name: 'done', namespace, phase: 'Successful' });
    const forwarder = runForwarder(
      kube,
      sqs,
      forwarderConfig(queueUrl, { resyncSeconds: 1, watchNamespaces: [namespace] }),
    );
    t.after(() => forwarder.stop());
    await forwarder.ready;

    const seen: StepMessage[] = [];
    const stuckCount = (): number => seen.filter((m) => m.data.opsRequest.name === 'stuck').length;
    await waitFor('the initial announcement and two resyncs', async () => {
      seen.push(...(await drainQueue(sqs, queueUrl)));
      return stuckCount() >= 3;
    });
    assert.ok(forwarder.stats().resyncs >= 2);
    assert.equal(
      new Set(seen.filter((m) => m.data.opsRequest.name === 'stuck').map((m) => m.data.traceId)).size,
      1,
      'one trace id per run',
    );
    assert.ok(
      seen.every((m) => m.data.opsRequest.name === 'stuck'),
      'resync never announces terminal or other types',
    );

    await setPhase(kube, 'stuck', 'Successful', namespace);
    // Watch events arrive in order: once this one is counted as ignored, the three updates above were handled.
    const ignored = forwarder.stats().opsRequestsIgnored;
    await createOpsRequest(kube, { name: 'barrier', namespace, type: 'Restart' });
    await waitFor('the barrier event', () => forwarder.stats().opsRequestsIgnored > ignored);
    await waitFor(
      'in-flight sends settle',
      async () => (await drainQueue(sqs, queueUrl)).length === 0 && forwarder.stats().messagesSent > 0,
    );
    const sentBefore = forwarder.stats().messagesSent;
    const resyncsBefore = forwarder.stats().resyncs;
    await waitFor('two more resync periods', () => forwarder.stats().resyncs >= resyncsBefore + 2);
    assert.equal(forwarder.stats().messagesSent, sentBefore, 'nothing live left: nothing announced');
    assert.deepEqual(await drainQueue(sqs, queueUrl), []);
  });
});
