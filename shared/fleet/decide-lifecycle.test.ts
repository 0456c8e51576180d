import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { db, World } from './test-world.ts';

const applyConfig = { 'redis.conf': 'maxclients 3000' };
const clusters = () =>
  ['c1', 'c2'].map((id) => ({ id, databases: [db('demo', 'rd-a'), db('demo', 'rd-b'), db('demo', 'rd-c')] }));

describe('decideRollout: soak', () => {
  it('waits the soak after each wave, then goes on', () => {
    const w = new World({ configuration: { applyConfig }, strategy: { canary: { count: 1 }, soak: '5m' } }, clusters());
    w.look();
    w.settleAll();
    const soaking = w.look();
    assert.equal(soaking.status.phase, 'Soaking');
    assert.deepEqual(soaking.create, []);
    assert.equal(soaking.nextLookSeconds, 30, 'health is re-checked at every look interval');
    w.now += 4 * 60_000 + 50_000;
    assert.equal(w.look().nextLookSeconds, 10, 'the next look at the end of the soak');
    w.now += 10_000;
    const next = w.look();
    assert.equal(next.status.phase, 'Progressing');
    assert.equal(next.create.length, 5);
    assert.deepEqual(
      next.events.map((e) => [e.type, e.wave]),
      [['WaveCompleted', 0]],
    );
  });

  it('catches a database that turns unhealthy during the soak', () => {
    const w = new World({ configuration: { applyConfig }, strategy: { canary: { count: 1 }, soak: '1m' } }, clusters());
    w.look();
    w.settleAll();
    w.look();
    w.cluster('c1').databases[0]!.ready = false;
    w.now += 10_000;
    const d = w.look();
    assert.equal(d.status.phase, 'Halted');
    assert.deepEqual(
      d.status.failed.map((f) => [f.name, f.reason]),
      [['rd-a', 'SoakUnhealthy']],
    );
    assert.match(d.status.haltReason ?? '', /canary c1\/demo\/rd-a failed \(SoakUnhealthy\)/);
    w.now += 120_000;
    assert.deepEqual(w.look().create, [], 'no wave after a failed soak');
  });
});

describe('decideRollout: pause, resume, abort', () => {
  it('pause stops new ops requests (in flight finish), resume goes on', () => {
    const base = { configuration: { applyConfig }, strategy: { maxConcurrency: 2 } };
    const w = new World(base, clusters());
    w.look();
    w.setSpec({ ...base, paused: true });
    const paused = w.look();
    assert.equal(paused.status.phase, 'Paused');
    assert.deepEqual(
      paused.events.map((e) => e.type),
      ['Paused'],
    );
    w.settleAll();
    const still = w.look();
    assert.deepEqual(still.create, []);
    assert.equal(still.status.counts.succeeded, 2);
    w.setSpec(base);
    const resumed = w.look();
    assert.equal(resumed.status.phase, 'Progressing');
    assert.deepEqual(
      resumed.events.map((e) => e.type),
      ['Resumed'],
    );
    assert.equal(resumed.create.length, 2);
    assert.equal(w.runToEnd().phase, 'Completed');
    assert.equal(w.created.length, 6);
  });

  it('abort stops the rollout for good', () => {
    const base = { configuration: { applyConfig }, strategy: { maxConcurrency: 2 } };
    const w = new World(base, clusters());
    w.look();
    w.setSpec({ ...base, abort: true });
    const aborted = w.look();
    assert.equal(aborted.status.phase, 'Aborted');
    assert.deepEqual(
      aborted.events.map((e) => e.type),
      ['Aborted'],
    );
    assert.equal(aborted.nextLookSeconds, 30, 'the two in flight are still watched');
    w.settleAll();
    w.setSpec(base); // un-aborting is not a thing: Aborted is final
    const after = w.look();
    assert.equal(after.status.phase, 'Aborted');
    assert.deepEqual(after.create, []);
    assert.equal(after.status.counts.succeeded, 2);
    assert.equal(after.status.counts.pending, 4);
  });
});

describe('decideRollout: onFailure rollback', () => {
  it('puts back the previous configuration of every changed database through ordinary ops requests', () => {
    const cs = clusters();
    cs[1]!.databases[1] = db('demo', 'rd-b', { configuration: { secretName: 'custom-conf' } });
    cs[1]!.databases[2] = db('demo', 'rd-c', { configuration: {} });
    const w = new World(
      {
        configuration: { applyConfig, restart: 'auto' },
        strategy: { maxConcurrency: 5, failureBudget: { maxFailures: 0 }, onFailure: 'rollback' },
      },
      cs,
    );
    const before = structuredClone(w.clusters.map((c) => c.databases.map((d) => d.configuration)));
    w.look(); // 5 start; c2/rd-c waits
    w.settleAll((op) => (op.cluster === 'c1' && op.database === 'rd-c' ? 'RolledBack' : undefined));
    const halting = w.look();
    assert.equal(halting.status.phase, 'Halted');
    assert.equal(halting.create.length, 0);
    assert.deepEqual(
      halting.rollbackCreate.map((o) => `${o.cluster}/${o.database}`).sort(),
      ['c1/rd-a', 'c1/rd-b', 'c2/rd-a', 'c2/rd-b'],
      'the four changed ones; not the failed one (its own run rolled it back), not the one never started',
    );
    const rbB = halting.rollbackCreate.find((o) => o.cluster === 'c2' && o.database === 'rd-b');
    assert.deepEqual(rbB?.configuration, {
      removeCustomConfig: true,
      configSecret: { name: 'custom-conf' },
      restart: 'auto',
    });
    const rbA = halting.rollbackCreate.find((o) => o.cluster === 'c1' && o.database === 'rd-a');
    assert.deepEqual(rbA?.configuration, {
      removeCustomConfig: true,
      applyConfig: { 'redis.conf': 'maxclients 100' },
      restart: 'auto',
    });
    w.settleAll();
    const done = w.look();
    assert.equal(done.status.phase, 'RolledBack');
    assert.equal(done.status.counts.rolledBack, 4);
    assert.deepEqual(
      done.events.map((e) => e.type),
      ['RolledBack'],
    );
    assert.deepEqual(
      w.clusters.map((c) => c.databases.map((d) => d.configuration)),
      before,
      'every database has its configuration of before the rollout',
    );
  });

  it('waits for the in-flight changes before rolling back, and rolls those back too', () => {
    const w = new World(
      { configuration: { applyConfig }, strategy: { maxConcurrency: 2, onFailure: 'rollback' } },
      clusters(),
    );
    w.look();
    // c1/rd-a fails, c2/rd-a is still running.
    w.cluster('c1').ops[0]!.phase = 'Failed';
    const halting = w.look();
    assert.equal(halting.status.phase, 'Halted');
    assert.deepEqual(halting.rollbackCreate, [], 'c2/rd-a still in flight');
    w.settleAll();
    const rb = w.look();
    assert.deepEqual(
      rb.rollbackCreate.map((o) => `${o.cluster}/${o.database}`),
      ['c2/rd-a'],
    );
    w.settleAll();
    assert.equal(w.look().status.phase, 'RolledBack');
  });
});
