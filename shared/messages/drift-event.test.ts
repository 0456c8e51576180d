/** The drift CloudEvent: its schema (no configuration values), and how SNS filters and orders it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { driftDeduplicationId, snsMessageAttributes } from '../adapters/events/sns-publisher.ts';
import { DRIFT_EVENT_TYPE, driftEventSchema, newDriftEvent } from './drift-event.ts';

const data = {
  version: 1 as const,
  clusterId: 'eu-prod-1',
  namespace: 'demo',
  database: 'rd',
  status: 'True' as const,
  drifted: [{ pod: 'rd-1', parameter: 'maxclients' }],
  notCompared: [],
};

describe('drift CloudEvent', () => {
  it('names the database as subject, the directives and pods in data, and validates', () => {
    const event = newDriftEvent(data, 'urn:redis-reconfigure:function:drift', new Date('2026-01-01T00:00:00Z'));
    assert.equal(event.type, DRIFT_EVENT_TYPE);
    assert.equal(event.subject, 'eu-prod-1/demo/rd');
    assert.equal(driftEventSchema.safeParse(JSON.parse(JSON.stringify(event))).success, true);
  });

  it('has no room for a value: an extra field is refused', () => {
    assert.throws(() =>
      newDriftEvent({ ...data, drifted: [{ pod: 'rd-1', parameter: 'maxclients', running: '900' }] } as never, 's'),
    );
  });

  it('SNS: filterable like a ConfigDrift condition; the same report twice has the same deduplication id', () => {
    const a = newDriftEvent(data, 's');
    const b = newDriftEvent(data, 's');
    const attributes = snsMessageAttributes(a);
    assert.equal(attributes['conditionType']?.StringValue, 'ConfigDrift');
    assert.equal(attributes['conditionStatus']?.StringValue, 'True');
    assert.equal(attributes['phase'], undefined, 'no phase: not an ops request');
    assert.equal(driftDeduplicationId(a), driftDeduplicationId(b));
    assert.notEqual(
      driftDeduplicationId(a),
      driftDeduplicationId(newDriftEvent({ ...data, status: 'False', drifted: [] }, 's')),
    );
  });
});
