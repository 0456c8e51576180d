import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RolloutData } from '../../messages/rollout-message.ts';
import { planNextLook } from './next-look.ts';

const now = new Date('2026-01-01T00:00:00Z');
const at = (s: number): string => new Date(now.getTime() + s * 1000).toISOString();
const announce: RolloutData = {
  version: 1,
  clusterId: 'c1',
  namespace: 'f',
  name: 'r',
  reason: 'announce',
  traceId: 't',
};
const look = (lookAt: string): RolloutData => ({ ...announce, reason: 'look', lookAt });

describe('planNextLook: one pending look per rollout', () => {
  it('sends a look when none is pending, and records when it is due', () => {
    assert.deepEqual(planNextLook(30, undefined, announce, now), { delaySeconds: 30, nextLookAt: at(30) });
    assert.deepEqual(planNextLook(30, at(-5), announce, now), { delaySeconds: 30, nextLookAt: at(30) }, 'a lost look');
  });

  it('an announcement finding a look due soon enough sends none', () => {
    assert.deepEqual(planNextLook(30, at(10), announce, now), { delaySeconds: undefined, nextLookAt: at(10) });
  });

  it('a look wanted sooner than the pending one is sent (soak end before the next backstop)', () => {
    assert.deepEqual(planNextLook(5, at(20), announce, now), { delaySeconds: 5, nextLookAt: at(5) });
  });

  it('the recorded look re-sends itself; a look of a superseded chain does not', () => {
    assert.deepEqual(planNextLook(30, at(0), look(at(0)), now), { delaySeconds: 30, nextLookAt: at(30) });
    assert.deepEqual(planNextLook(30, at(20), look(at(-10)), now), { delaySeconds: undefined, nextLookAt: at(20) });
  });

  it('nothing wanted: no look, a pending one stays recorded', () => {
    assert.deepEqual(planNextLook(undefined, undefined, announce, now), {
      delaySeconds: undefined,
      nextLookAt: undefined,
    });
    assert.deepEqual(planNextLook(undefined, at(10), announce, now), { delaySeconds: undefined, nextLookAt: at(10) });
  });
});
