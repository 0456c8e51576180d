import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  announceTo,
  decideOnAdded,
  decideOnModified,
  decideOnResync,
  isLive,
  readOpsRequest,
  traceIdFor,
  type WatchedOpsRequest,
} from './announce-policy.ts';

const ops = (type: string, phase?: string, generation = 1): WatchedOpsRequest => ({
  metadata: {
    name: 'rdops',
    namespace: 'demo',
    uid: '7d3b2f3e-1c2a-4b5d-8e9f-0a1b2c3d4e5f',
    generation,
    resourceVersion: '1',
  },
  spec: { type },
  ...(phase === undefined ? {} : { status: { phase } }),
});

describe('announce policy', () => {
  it('announces an added Reconfigure that has not finished (no status yet, Pending, Progressing)', () => {
    for (const phase of [undefined, 'Pending', 'Progressing']) {
      assert.deepEqual(decideOnAdded(ops('Reconfigure', phase)), { announce: true, reason: 'added' });
    }
  });

  it('never announces a terminal one', () => {
    for (const phase of ['Successful', 'Failed', 'Skipped']) {
      assert.deepEqual(decideOnAdded(ops('Reconfigure', phase)), { announce: false, reason: 'terminal' });
      assert.deepEqual(decideOnResync(ops('Reconfigure', phase)), { announce: false, reason: 'terminal' });
      assert.equal(isLive(ops('Reconfigure', phase)), false);
    }
  });

  it('ignores other spec.types', () => {
    for (const type of ['UpdateVersion', 'HorizontalScaling', 'Restart', 'reconfigure']) {
      assert.deepEqual(decideOnAdded(ops(type)), { announce: false, reason: 'not-reconfigure' });
      assert.deepEqual(decideOnModified(ops(type), ops(type, undefined, 2)), {
        announce: false,
        reason: 'not-reconfigure',
      });
    }
  });

  it('does not announce status-only updates (our own writes would cause a storm)', () => {
    assert.deepEqual(decideOnModified(ops('Reconfigure'), ops('Reconfigure', 'Progressing')), {
      announce: false,
      reason: 'status-update',
    });
    assert.deepEqual(decideOnModified(ops('Reconfigure', 'Progressing'), ops('Reconfigure', 'Progressing')), {
      announce: false,
      reason: 'status-update',
    });
  });

  it('announces a spec change (generation) and a terminal → non-terminal reopening', () => {
    assert.deepEqual(decideOnModified(ops('Reconfigure', 'Progressing', 1), ops('Reconfigure', 'Progressing', 2)), {
      announce: true,
      reason: 'generation-changed',
    });
    assert.deepEqual(decideOnModified(ops('Reconfigure', 'Failed'), ops('Reconfigure', 'Pending')), {
      announce: true,
      reason: 'reopened',
    });
    assert.deepEqual(decideOnModified(ops('Reconfigure', 'Progressing'), ops('Reconfigure', 'Successful')), {
      announce: false,
      reason: 'terminal',
    });
  });

  it('re-announces every live one on resync', () => {
    assert.deepEqual(decideOnResync(ops('Reconfigure', 'Progressing')), { announce: true, reason: 'resync' });
  });

  it('validates objects from the API and names the bad paths', () => {
    const bad = readOpsRequest({ metadata: { name: 'x' }, spec: {} });
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? '' : bad.error, /metadata\.namespace/);
    assert.match(bad.ok ? '' : bad.error, /spec\.type/);
    assert.equal(readOpsRequest(ops('Reconfigure')).ok, true);
  });

  it('derives one W3C trace id per run from the uid', () => {
    assert.equal(traceIdFor('7D3B2F3E-1c2a-4b5d-8e9f-0a1b2c3d4e5f'), '7d3b2f3e1c2a4b5d8e9f0a1b2c3d4e5f');
    assert.match(traceIdFor('not-a-uuid'), /^[0-9a-f]{32}$/); // hashed: a W3C trace id either way
    assert.equal(traceIdFor('not-a-uuid'), traceIdFor('not-a-uuid'));
  });
});

describe('announceTo', () => {
  const at = '2026-01-01T00:00:00Z';
  const paused = [
    { type: 'Reconfigure', status: 'True' as const, lastTransitionTime: at },
    { type: 'DatabasePauseSucceeded', status: 'True' as const, lastTransitionTime: at },
  ];
  it('sends a run to halt while halt is due (new, Pending, Progressing without the pause), to recover after', () => {
    assert.equal(announceTo(ops('Reconfigure')), 'halt');
    assert.equal(announceTo(ops('Reconfigure', 'Pending')), 'halt');
    assert.equal(announceTo(ops('Reconfigure', 'Progressing')), 'halt');
    const read = readOpsRequest({ ...ops('Reconfigure'), status: { phase: 'Progressing', conditions: paused } });
    assert.ok(read.ok);
    assert.equal(announceTo(read.opsRequest), 'recover');
  });

  it('reads a request whose conditions or annotations are malformed, without them (it is then announced by phase)', () => {
    const read = readOpsRequest({
      ...ops('Reconfigure'),
      metadata: { ...ops('Reconfigure').metadata, annotations: { a: 1 } },
      status: { phase: 'Progressing', conditions: [{ type: 'Reconfigure' }] },
    });
    assert.ok(read.ok);
    assert.equal(read.opsRequest.status?.conditions, undefined);
    assert.equal(announceTo(read.opsRequest), 'halt');
  });

  it('sends a run whose restart plan cannot be read to recover, which reports it', () => {
    const read = readOpsRequest({
      ...ops('Reconfigure'),
      metadata: { ...ops('Reconfigure').metadata, annotations: { 'redis-reconfigure.io/plan': '{' } },
      status: {
        phase: 'Progressing',
        conditions: [...paused, { type: 'UpdatePetSets', status: 'True', lastTransitionTime: at }],
      },
    });
    assert.ok(read.ok);
    assert.equal(announceTo(read.opsRequest), 'recover');
  });
});
