import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../shared/time/fake-clock.ts';
import {
  isLeaseFree,
  LeaderElector,
  LeaseConflictError,
  type LeaseRecord,
  type LeaseSpec,
  type LeaseStore,
} from './leader-election.ts';

/** The Lease object as the API server keeps it: one record, resourceVersion checked on every write. */
class MemoryLease {
  record: LeaseRecord | undefined;
  #rv = 0;

  store(opts: { down?: () => boolean } = {}): LeaseStore {
    const check = (): void => {
      if (opts.down?.() === true) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    };
    return {
      get: async () => {
        check();
        return this.record && { ...this.record };
      },
      create: async (spec: LeaseSpec) => {
        check();
        if (this.record !== undefined) throw new LeaseConflictError('exists');
        return (this.record = { ...spec, resourceVersion: String(++this.#rv) });
      },
      update: async (spec: LeaseSpec, resourceVersion: string) => {
        check();
        if (this.record?.resourceVersion !== resourceVersion) throw new LeaseConflictError('stale');
        return (this.record = { ...spec, resourceVersion: String(++this.#rv) });
      },
    };
  }
}

function candidate(lease: MemoryLease, clock: FakeClock, identity: string, down?: () => boolean) {
  const changes: boolean[] = [];
  const elector = new LeaderElector({
    store: lease.store({ down }),
    identity,
    leaseDurationMs: 2_000,
    renewIntervalMs: 500,
    clock,
    onLeadershipChange: (leading) => changes.push(leading),
  });
  return { elector, changes };
}

describe('LeaderElector', () => {
  it('acquires an absent Lease; a second candidate follows', async () => {
    const clock = new FakeClock();
    const lease = new MemoryLease();
    const a = candidate(lease, clock, 'a');
    const b = candidate(lease, clock, 'b');
    a.elector.start();
    await clock.advance(0);
    b.elector.start();
    await clock.advance(5_000);
    assert.deepEqual(a.changes, [true]);
    assert.deepEqual(b.changes, []);
    assert.equal(lease.record?.holderIdentity, 'a');
    assert.ok(clock.now() - (lease.record?.renewTime ?? 0) <= 500, 'renewed every renew interval');
    assert.equal(b.elector.healthy, true);
    await a.elector.stop();
    await b.elector.stop();
  });

  it('two candidates racing for an absent Lease: exactly one leads (409 for the other)', async () => {
    const clock = new FakeClock();
    const lease = new MemoryLease();
    const a = candidate(lease, clock, 'a');
    const b = candidate(lease, clock, 'b');
    a.elector.start();
    b.elector.start();
    await clock.advance(3_000);
    assert.equal([a.elector.isLeader, b.elector.isLeader].filter(Boolean).length, 1);
    await a.elector.stop();
    await b.elector.stop();
  });

  it('a graceful stop releases the Lease and the follower takes over at its next retry', async () => {
    const clock = new FakeClock();
    const lease = new MemoryLease();
    const a = candidate(lease, clock, 'a');
    const b = candidate(lease, clock, 'b');
    a.elector.start();
    await clock.advance(0);
    b.elector.start();
    await clock.advance(1_000);
    await a.elector.stop();
    assert.deepEqual(a.changes, [true, false]);
    assert.equal(lease.record?.holderIdentity, '');
    const releasedAt = clock.now();
    while (!b.elector.isLeader) await clock.advance(100);
    assert.ok(clock.now() - releasedAt <= 500, 'within one retry interval');
    assert.equal(lease.record?.holderIdentity, 'b');
    assert.equal(lease.record?.leaseTransitions, 1);
    await b.elector.stop();
  });

  it('a leader cut off from the API steps down before its Lease expires; the other waits for expiry', async () => {
    const clock = new FakeClock();
    const lease = new MemoryLease();
    let partitioned = false;
    const a = candidate(lease, clock, 'a', () => partitioned);
    const b = candidate(lease, clock, 'b');
    a.elector.start();
    await clock.advance(0);
    b.elector.start();
    await clock.advance(1_000);
    partitioned = true;
    const lastRenew = lease.record?.renewTime ?? 0;
    let aSteppedDownAt: number | undefined;
    let bLeadAt: number | undefined;
    while (bLeadAt === undefined) {
      await clock.advance(50);
      if (!a.elector.isLeader) aSteppedDownAt ??= clock.now();
      if (b.elector.isLeader) bLeadAt ??= clock.now();
      assert.ok(!(a.elector.isLeader && b.elector.isLeader), 'never two leaders');
    }
    assert.ok(
      aSteppedDownAt !== undefined && aSteppedDownAt - lastRenew <= 1_400,
      'a steps down within the renew deadline',
    );
    assert.ok(bLeadAt - lastRenew > 2_000, 'b waits until the Lease expired');
    assert.ok(bLeadAt - lastRenew <= 2_600, 'b takes over within one retry after expiry');
    assert.equal(a.elector.healthy, false);
    await a.elector.stop();
    await b.elector.stop();
  });

  it('a leader whose Lease was taken by someone else stops leading at once', async () => {
    const clock = new FakeClock();
    const lease = new MemoryLease();
    const a = candidate(lease, clock, 'a');
    a.elector.start();
    await clock.advance(0);
    const intruder = lease.store();
    const current = await intruder.get();
    await intruder.update(
      { ...current!, holderIdentity: 'intruder', renewTime: clock.now() },
      current!.resourceVersion,
    );
    await clock.advance(500);
    assert.deepEqual(a.changes, [true, false]);
    await a.elector.stop();
    assert.equal(lease.record?.holderIdentity, 'intruder', 'stop does not release a Lease it does not hold');
  });

  it('isLeaseFree: released, never renewed, or renewTime + duration in the past', () => {
    const base = { leaseDurationSeconds: 15, leaseTransitions: 0 };
    assert.equal(isLeaseFree({ ...base, holderIdentity: '', renewTime: 1_000 }, 1_000), true);
    assert.equal(isLeaseFree({ ...base, holderIdentity: 'x' }, 1_000), true);
    assert.equal(isLeaseFree({ ...base, holderIdentity: 'x', renewTime: 1_000 }, 16_000), false);
    assert.equal(isLeaseFree({ ...base, holderIdentity: 'x', renewTime: 1_000 }, 16_001), true);
  });

  it('rejects timings that would let two leaders overlap', () => {
    const lease = new MemoryLease();
    assert.throws(
      () =>
        new LeaderElector({
          store: lease.store(),
          identity: 'x',
          leaseDurationMs: 2_000,
          renewIntervalMs: 1_500,
          onLeadershipChange: () => {},
        }),
      RangeError,
    );
  });
});
