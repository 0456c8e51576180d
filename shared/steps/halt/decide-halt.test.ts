import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { opsRequest, redis } from '../../../test/support/objects.ts';
import { decideHalt, pausedBy } from './decide-halt.ts';

describe('decideHalt', () => {
  it('pauses a valid request for a Ready database', () => {
    assert.deepEqual(decideHalt({ ops: opsRequest(), redis: redis(), siblings: [] }), { kind: 'pause' });
  });

  it('fails with KubeDB webhook messages for a missing configuration or database', () => {
    const noConfig = opsRequest({ spec: { configuration: undefined } });
    assert.deepEqual(decideHalt({ ops: noConfig, redis: redis(), siblings: [] }), {
      kind: 'fail',
      reason: 'InvalidSpec',
      message: '`spec.configuration` nil not supported in Reconfigure type',
    });
    const empty = opsRequest({ spec: { configuration: { applyConfig: {} } } });
    assert.match(JSON.stringify(decideHalt({ ops: empty, redis: redis(), siblings: [] })), /at least one of/);
    assert.deepEqual(decideHalt({ ops: opsRequest(), redis: undefined, siblings: [] }), {
      kind: 'fail',
      reason: 'DatabaseNotFound',
      message: 'spec.databaseRef demo/sample-redis, is invalid or not found',
    });
  });

  it('waits while another ops request of the same database is Progressing', () => {
    const other = opsRequest({ name: 'other', phase: 'Progressing' });
    const d = decideHalt({ ops: opsRequest(), redis: redis(), siblings: [other] });
    assert.equal(d.kind, 'wait');
    assert.match(d.kind === 'wait' ? d.message : '', /demo\/other/);
  });

  it('runs ops requests of one database in creation order, and ignores other databases', () => {
    const older = opsRequest({ name: 'older', created: '2025-12-31T00:00:00Z' });
    assert.equal(decideHalt({ ops: opsRequest(), redis: redis(), siblings: [older] }).kind, 'wait');
    assert.equal(decideHalt({ ops: older, redis: redis(), siblings: [opsRequest()] }).kind, 'pause');
    const otherDb = opsRequest({ name: 'x', phase: 'Progressing', spec: { databaseRef: { name: 'another' } } });
    assert.equal(decideHalt({ ops: opsRequest(), redis: redis(), siblings: [otherDb] }).kind, 'pause');
    const finished = opsRequest({ name: 'done', created: '2025-01-01T00:00:00Z', phase: 'Successful' });
    assert.equal(decideHalt({ ops: opsRequest(), redis: redis(), siblings: [finished] }).kind, 'pause');
  });

  it('honours apply: IfReady (waits) and Always (goes ahead)', () => {
    assert.equal(decideHalt({ ops: opsRequest(), redis: redis({ phase: 'Critical' }), siblings: [] }).kind, 'wait');
    assert.equal(
      decideHalt({ ops: opsRequest({ spec: { apply: 'Always' } }), redis: redis({ phase: 'Critical' }), siblings: [] })
        .kind,
      'pause',
    );
  });

  it('waits for a database paused by someone else, and resumes its own pause after a redelivery', () => {
    const ops = opsRequest();
    const byOther = redis({
      conditions: [{ type: 'Paused', status: 'True', message: 'Paused by someone', lastTransitionTime: 'x' }],
    });
    assert.equal(decideHalt({ ops, redis: byOther, siblings: [] }).kind, 'wait');
    const byUs = redis({
      phase: 'NotReady',
      conditions: [{ type: 'Paused', status: 'True', message: pausedBy(ops), lastTransitionTime: 'x' }],
    });
    assert.equal(decideHalt({ ops, redis: byUs, siblings: [] }).kind, 'pause');
  });

  it("blocks on other types only while they are Progressing (KubeDB's rule), never on a pending one", () => {
    const restart = opsRequest({ name: 'restart', created: '2025-12-31T00:00:00Z', spec: { type: 'Restart' } });
    assert.equal(decideHalt({ ops: opsRequest(), redis: redis(), siblings: [restart] }).kind, 'pause');
    const running = opsRequest({ name: 'restart', phase: 'Progressing', spec: { type: 'Restart' } });
    assert.equal(decideHalt({ ops: opsRequest(), redis: redis(), siblings: [running] }).kind, 'wait');
  });

  it('lets a newer apply: Always request pass an older one that waits for the database to be Ready', () => {
    const olderIfReady = opsRequest({ name: 'older', created: '2025-12-31T00:00:00Z', phase: 'Pending' });
    const fix = opsRequest({ spec: { apply: 'Always' } });
    assert.equal(decideHalt({ ops: fix, redis: redis({ phase: 'NotReady' }), siblings: [olderIfReady] }).kind, 'pause');
    assert.equal(
      decideHalt({ ops: fix, redis: redis(), siblings: [olderIfReady] }).kind,
      'wait',
      'a Ready database: creation order holds',
    );
  });

  it('takes over a pause whose ops request was deleted or has ended, but respects a live owner and foreign pauses', () => {
    const ops = opsRequest();
    const gone = opsRequest({ name: 'gone', uid: 'uid-gone' });
    const pausedByGone = redis({
      conditions: [{ type: 'Paused', status: 'True', message: pausedBy(gone), lastTransitionTime: 'x' }],
    });
    assert.equal(decideHalt({ ops, redis: pausedByGone, siblings: [] }).kind, 'pause', 'owner deleted');
    assert.equal(
      decideHalt({
        ops,
        redis: pausedByGone,
        siblings: [opsRequest({ name: 'gone', uid: 'uid-gone', phase: 'Failed' })],
      }).kind,
      'pause',
      'owner ended',
    );
    assert.equal(
      decideHalt({
        ops,
        redis: pausedByGone,
        siblings: [
          opsRequest({ name: 'gone', uid: 'uid-gone', phase: 'Progressing', created: '2027-01-01T00:00:00Z' }),
        ],
      }).kind,
      'wait',
    );
  });

  it('accepts an ACL reconfiguration (configuration.auth) alone, as KubeDB does since #1658; an empty auth is nothing', () => {
    const acl = opsRequest({ spec: { configuration: { auth: { secretRef: { name: 'new-acl' } } } } });
    assert.equal(decideHalt({ ops: acl, redis: redis(), siblings: [] }).kind, 'pause');
    const empty = opsRequest({ spec: { configuration: { auth: {} } } });
    const d = decideHalt({ ops: empty, redis: redis(), siblings: [] });
    assert.equal(d.kind, 'fail');
    assert.match(d.kind === 'fail' ? `${d.reason}: ${d.message}` : '', /^InvalidSpec: at least one of .*`Auth`/);
  });
});
