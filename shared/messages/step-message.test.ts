import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidMessageError } from '../errors.ts';
import { parseStepMessage } from './parse.ts';
import { eventTypeFor, newStepMessage } from './step-message.ts';

const data = {
  version: 1 as const,
  clusterId: 'local',
  namespace: 'demo',
  opsRequest: { name: 'rdops-reconfigure', uid: 'abc-123' },
  step: 'halt' as const,
  traceId: 't-1',
};

describe('step message', () => {
  it('builds a CloudEvents 1.0 envelope whose subject names cluster/namespace/name', () => {
    const msg = newStepMessage(data, 'urn:test', new Date('2026-01-01T00:00:00Z'));
    assert.equal(msg.specversion, '1.0');
    assert.equal(msg.type, eventTypeFor('halt'));
    assert.equal(msg.subject, 'local/demo/rdops-reconfigure');
    assert.equal(msg.data.attempt, 0);
    assert.deepEqual(parseStepMessage(JSON.stringify(msg)), msg);
  });

  it('rejects a body that is not JSON, naming the problem', () => {
    assert.throws(
      () => parseStepMessage('{nope'),
      (e: unknown) => e instanceof InvalidMessageError && /not JSON/.test(e.message),
    );
  });

  it('names the path of every invalid field', () => {
    const msg = newStepMessage(data, 'urn:test');
    const bad = { ...msg, data: { ...msg.data, namespace: 'Demo!', opsRequest: { name: 'x' } } };
    assert.throws(
      () => parseStepMessage(JSON.stringify(bad)),
      (e: unknown) =>
        e instanceof InvalidMessageError &&
        /data\.namespace/.test(e.message) &&
        /data\.opsRequest\.uid/.test(e.message),
    );
  });

  it('rejects unknown fields, so a secret value cannot ride along unnoticed', () => {
    const msg = newStepMessage(data, 'urn:test');
    const bad = { ...msg, data: { ...msg.data, password: 'hunter2' } };
    assert.throws(() => parseStepMessage(JSON.stringify(bad)), InvalidMessageError);
  });

  it('requires a pod for restart-pod and a matching type', () => {
    assert.throws(() => newStepMessage({ ...data, step: 'restart-pod' }, 'urn:test'), /pod/);
    const msg = newStepMessage(data, 'urn:test');
    assert.throws(() => parseStepMessage(JSON.stringify({ ...msg, type: eventTypeFor('resume') })), /type/);
  });
});
