/**
 * What the rollout queue carries, parsed into wake-ups: its own look messages, and the outcome events of ops requests
 * a rollout made (which carry the rollout: in data, and as the SNS attribute its subscription filters on).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { snsMessageAttributes } from '../adapters/events/sns-publisher.ts';
import { InvalidMessageError } from '../errors.ts';
import { rolloutOfOpsRequest } from '../fleet/rollout-ref.ts';
import { rolloutParentTrace } from '../handler/rollout-handler.ts';
import { formatTraceparent, traceIdFor } from '../observability/trace-context.ts';
import { newRolloutMessage } from './rollout-message.ts';
import { parseRolloutWake, rolloutKeyOf } from './rollout-wake.ts';
import { newTransitionEvent, OUTCOME_EVENT_TYPE, type TransitionData } from './transition-event.ts';

const UID = '7c1b0c5e-4a3f-4b8e-9d2a-1f0e6b5a4c3d';
const rollout = { ref: 'hub/fleet/r1', uid: UID };
const ended = (condition: TransitionData['condition'], withRollout = true): string =>
  JSON.stringify({
    ...newTransitionEvent(
      {
        version: 1,
        clusterId: 'c2',
        namespace: 'demo',
        opsRequest: { name: 'r1-rd-a-0123456789', uid: 'ops-uid' },
        database: 'rd-a',
        step: 'resume',
        phase: condition.type,
        condition,
        ...(withRollout ? { rollout } : {}),
        sequence: 4,
        traceId: 'a'.repeat(32),
      },
      'urn:redis-reconfigure:function:resume',
    ),
    traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
  });
const successful = { type: 'Successful', status: 'True' as const, reason: 'Successful' };

describe('the rollout field of step events', () => {
  it('is read from the annotation and the uid label the rollout put on its ops request, both or nothing', () => {
    const labels = { 'fleet.redis-reconfigure.io/rollout-uid': UID };
    const annotations = { 'fleet.redis-reconfigure.io/rollout-ref': 'hub/fleet/r1' };
    assert.deepEqual(rolloutOfOpsRequest({ name: 'x', labels, annotations }), rollout);
    assert.equal(rolloutOfOpsRequest({ name: 'x', labels }), undefined);
    assert.equal(rolloutOfOpsRequest({ name: 'x', annotations }), undefined, 'a copied annotation alone wakes nothing');
    assert.equal(
      rolloutOfOpsRequest({ name: 'x', labels, annotations: { [Object.keys(annotations)[0]!]: 'a/b' } }),
      undefined,
    );
  });

  it('becomes the SNS attribute `rollout` the subscription filters on; absent for a hand-made ops request', () => {
    const attrs = (body: string) => snsMessageAttributes(JSON.parse(body) as never);
    assert.deepEqual(attrs(ended(successful)).rollout, { DataType: 'String', StringValue: 'hub/fleet/r1' });
    assert.equal(attrs(ended(successful)).type?.StringValue, OUTCOME_EVENT_TYPE);
    assert.equal(attrs(ended(successful, false)).rollout, undefined);
    assert.ok(Object.keys(attrs(ended(successful))).length <= 10, 'SQS takes at most 10 attributes a message');
  });
});

describe('parseRolloutWake', () => {
  it('an outcome event wakes its rollout, in the rollout trace, saying which ops request ended', () => {
    const wake = parseRolloutWake(ended({ type: 'Failed', status: 'True', reason: 'Failed', message: 'refused' }));
    assert.deepEqual(wake.data, {
      version: 1,
      clusterId: 'hub',
      namespace: 'fleet',
      name: 'r1',
      uid: UID,
      reason: 'ops-outcome',
      traceId: traceIdFor(UID),
    });
    assert.equal(wake.subject, 'hub/fleet/r1');
    assert.deepEqual(wake.ended, { cluster: 'c2', namespace: 'demo', name: 'r1-rd-a-0123456789', phase: 'Failed' });
    const parent = rolloutParentTrace(wake);
    assert.equal(parent.traceId, UID.replace(/-/g, ''), "the rollout's trace, not the ops request's");
    assert.notEqual(parent.spanId, 'b'.repeat(16));
    assert.equal(rolloutKeyOf(JSON.stringify(JSON.parse(ended(successful))), 'm1'), 'hub/fleet/r1');
  });

  it('a look message continues the trace it carries', () => {
    const traceparent = formatTraceparent({ traceId: traceIdFor(UID), spanId: 'c'.repeat(16), sampled: true });
    const data = { version: 1 as const, clusterId: 'hub', namespace: 'fleet', name: 'r1', uid: UID };
    const message = newRolloutMessage({ ...data, reason: 'look', traceId: traceIdFor(UID) }, 's', new Date(), {
      traceparent,
    });
    const wake = parseRolloutWake(JSON.stringify(message));
    assert.equal(wake.data.reason, 'look');
    assert.equal(wake.ended, undefined);
    assert.deepEqual(rolloutParentTrace(wake), { traceId: traceIdFor(UID), spanId: 'c'.repeat(16), sampled: true });
  });

  it('refuses an outcome event of no rollout, and anything else', () => {
    assert.throws(() => parseRolloutWake(ended(successful, false)), InvalidMessageError);
    assert.throws(() => parseRolloutWake(ended({ type: 'HaltDatabase', status: 'True' })), InvalidMessageError);
    assert.throws(() => parseRolloutWake('{'), InvalidMessageError);
    assert.equal(rolloutKeyOf('{', 'm1'), 'm1');
  });
});
