/** A live ops request deleted mid-run is announced to recover (which resumes its database); finished ones are not. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Announcer } from './announcer.ts';
import type { AnnounceTarget } from './announce-policy.ts';
import { newCounters } from './metrics.ts';
import type { OutgoingMessage } from './sqs-batch-sender.ts';

const object = (phase: string | undefined, type = 'Reconfigure') => ({
  apiVersion: 'ops.kubedb.com/v1alpha1',
  kind: 'RedisOpsRequest',
  metadata: { name: 'rdops', namespace: 'demo', uid: '7d3b2f3e-1c2a-4b5d-8e9f-0a1b2c3d4e5f', generation: 1 },
  spec: { type },
  ...(phase === undefined ? {} : { status: { phase } }),
});

function announcer() {
  const sent: Array<{ target: AnnounceTarget; data: Record<string, unknown> }> = [];
  const a = new Announcer({
    clusterId: 'c1',
    resyncMs: 60_000,
    counters: newCounters(),
    send: (target, m: OutgoingMessage) =>
      sent.push({ target, data: (JSON.parse(m.body) as { data: Record<string, unknown> }).data }),
  });
  return { a, sent };
}

describe('forwarder: ops requests deleted before they finished', () => {
  it('announces a deleted Progressing (or Pending) Reconfigure to recover, naming it by name and uid', () => {
    for (const phase of ['Progressing', 'Pending', undefined]) {
      const { a, sent } = announcer();
      a.handle({ type: 'deleted', object: object(phase) });
      assert.equal(sent.length, 1, String(phase));
      assert.equal(sent[0]?.target, 'recover');
      assert.deepEqual(sent[0]?.data['opsRequest'], { name: 'rdops', uid: '7d3b2f3e-1c2a-4b5d-8e9f-0a1b2c3d4e5f' });
      assert.equal(sent[0]?.data['step'], 'recover');
      assert.equal(a.liveCount, 0);
    }
  });

  it('says nothing about a finished one, or another type', () => {
    for (const o of [object('Successful'), object('Failed'), object('Progressing', 'Restart')]) {
      const { a, sent } = announcer();
      a.handle({ type: 'deleted', object: o });
      assert.deepEqual(sent, []);
    }
  });
});
