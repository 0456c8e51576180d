import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHAIN_GRACE_MS } from '../timing.ts';
import { joinsChain, waitMarker } from './wait-chain.ts';

const t0 = new Date('2026-01-01T00:00:00Z');
const later = (ms: number): Date => new Date(t0.getTime() + ms);

void describe('halt wait chain', () => {
  void it('the first waiter starts the chain; the expected next message continues it', () => {
    assert.equal(joinsChain(undefined, 0, t0), true);
    assert.equal(joinsChain(waitMarker(3, later(2000)), 3, later(2500)), true);
  });

  void it('drops re-announcements and stale chain messages while the chain is alive', () => {
    const marker = waitMarker(3, later(2000));
    assert.equal(joinsChain(marker, 0, later(1000)), false, 'forwarder re-announcement');
    assert.equal(joinsChain(marker, 2, later(1000)), false, 'an older chain');
    assert.equal(joinsChain(marker, 0, later(2000 + CHAIN_GRACE_MS)), false, 'just within the grace period');
  });

  void it('lets a newcomer take over a chain whose next message is overdue (lost)', () => {
    assert.equal(joinsChain(waitMarker(3, later(2000)), 0, later(2001 + CHAIN_GRACE_MS)), true);
    assert.equal(joinsChain('garbage', 0, t0), true);
  });
});
