import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decideRollout } from './decide.ts';
import { db, World } from './test-world.ts';

const applyConfig = { 'redis.conf': 'maxclients 3000' };
const threeClusters = () =>
  ['c1', 'c2', 'c3'].map((id, i) => ({
    id,
    labels: { env: i === 2 ? 'staging' : 'prod' },
    databases: [db('demo', 'rd-a'), db('demo', 'rd-b'), db('other', 'rd-c', { mode: 'Cluster' as const })],
  }));

describe('decideRollout: planning and waves', () => {
  it('selects clusters by label and databases by namespace/mode, canary first, then waves', () => {
    const w = new World(
      {
        configuration: { applyConfig },
        clusterSelector: { matchLabels: { env: 'prod' } },
        databaseSelector: { namespaces: ['demo'], modes: ['Standalone'] },
        strategy: { canary: { count: 1 }, waveSize: 2 },
      },
      threeClusters(),
    );
    const first = w.look();
    assert.equal(first.status.phase, 'Progressing');
    assert.deepEqual(
      first.status.targets.map((t) => [t.cluster, t.name, t.wave, t.canary]),
      [
        ['c1', 'rd-a', 0, true],
        ['c2', 'rd-a', 1, false],
        ['c1', 'rd-b', 1, false],
        ['c2', 'rd-b', 2, false],
      ],
    );
    assert.deepEqual(
      first.create.map((c) => `${c.cluster}/${c.namespace}/${c.database}`),
      ['c1/demo/rd-a'],
      'only the canary starts',
    );
    assert.deepEqual(first.create[0]?.configuration, { applyConfig });
    assert.deepEqual(
      first.events.map((e) => e.type),
      ['Started'],
    );
    assert.equal(first.status.wave, '1/3');

    const again = w.look();
    assert.deepEqual(again.create, [], 'a repeat creates nothing: the ops request exists');
    assert.deepEqual(again.events, []);

    w.settleAll();
    const second = w.look();
    assert.deepEqual(
      second.events.map((e) => [e.type, e.wave]),
      [['WaveCompleted', 0]],
    );
    assert.deepEqual(
      second.create.map((c) => `${c.cluster}/${c.database}`),
      ['c2/rd-a', 'c1/rd-b'],
    );
    const end = w.runToEnd();
    assert.equal(end.phase, 'Completed');
    assert.deepEqual(end.counts, { total: 4, pending: 0, progressing: 0, succeeded: 4, failed: 0, rolledBack: 0 });
    assert.equal(w.created.length, 4, 'one ops request per database, never two');
    assert.deepEqual(
      end.clusters.map((c) => [c.id, c.succeeded]),
      [
        ['c1', 2],
        ['c2', 2],
      ],
    );
    assert.equal(end.wave, '3/3');
    assert.ok(end.conditions.some((c) => c.type === 'Completed' && c.status === 'True'));
  });

  it('respects the fleet-wide and per-cluster limits', () => {
    const w = new World(
      { configuration: { applyConfig }, strategy: { maxConcurrency: 4, maxPerCluster: 1 } },
      threeClusters(),
    );
    let peak = 0;
    for (let i = 0; i < 50 && w.status?.phase !== 'Completed'; i++) {
      w.look();
      const perCluster = w.clusters.map((c) => c.ops.filter((o) => o.phase === 'Progressing').length);
      assert.ok(Math.max(...perCluster) <= 1, `per cluster ${perCluster.join(',')}`);
      peak = Math.max(peak, w.running());
      w.settleAll();
    }
    assert.equal(w.status?.phase, 'Completed');
    assert.equal(peak, 3, 'three clusters, one each');
    const capped = new World({ configuration: { applyConfig }, strategy: { maxConcurrency: 2 } }, threeClusters());
    assert.equal(capped.look().create.length, 2);
  });

  it('the same observation decided twice gives the same decision', () => {
    const w = new World({ configuration: { applyConfig }, strategy: { canary: { count: 2 } } }, threeClusters());
    w.look();
    w.settleAll();
    const observed = w.observe();
    const now = new Date(w.now);
    assert.deepEqual(
      decideRollout(w.spec, structuredClone(observed), now),
      decideRollout(w.spec, structuredClone(observed), now),
    );
  });

  it('re-creates an ops request whose create never landed (killed after the status write)', () => {
    const w = new World({ configuration: { applyConfig } }, threeClusters());
    const first = decideRollout(w.spec, w.observe(), new Date(w.now));
    w.status = first.status; // the status was written, then the function died before creating anything
    const retry = w.look();
    assert.deepEqual(retry.create.map((c) => c.name).sort(), first.create.map((c) => c.name).sort());
    assert.equal(w.runToEnd().phase, 'Completed');
    assert.equal(w.created.length, 9);
  });
});

describe('decideRollout: failures', () => {
  it('a failed canary halts the rollout: no further ops request', () => {
    const w = new World(
      { configuration: { applyConfig }, strategy: { canary: { count: 2 }, failureBudget: { maxFailures: 5 } } },
      threeClusters(),
    );
    const end = w.runToEnd((op) => (op.cluster === 'c2' ? 'ConfigRefusedByEngine' : undefined));
    assert.equal(end.phase, 'Halted');
    assert.match(end.haltReason ?? '', /canary c2\/demo\/rd-a failed \(ConfigRefusedByEngine\)/);
    assert.equal(w.created.length, 2, 'only the canaries');
    assert.deepEqual(
      end.failed.map((f) => [f.cluster, f.name, f.reason]),
      [['c2', 'rd-a', 'ConfigRefusedByEngine']],
    );
    assert.equal(w.look().create.length, 0);
  });

  it('the failure budget halts mid-wave: in-flight ones finish, nothing new starts', () => {
    const w = new World(
      { configuration: { applyConfig }, strategy: { maxConcurrency: 3, failureBudget: { maxFailures: 1 } } },
      threeClusters(),
    );
    w.look(); // 3 start
    w.settleAll((op) => (op.database === 'rd-a' && op.cluster !== 'c3' ? 'RolledBack' : undefined));
    const d = w.look();
    assert.equal(d.status.phase, 'Halted');
    assert.match(d.status.haltReason ?? '', /failure budget spent: 2 failed, 1 allowed/);
    assert.deepEqual(d.create, []);
    assert.deepEqual(
      d.events.map((e) => e.type),
      ['Halted'],
    );
    assert.equal(d.status.counts.pending, 6);
    assert.equal(d.nextLookSeconds, undefined, 'nothing in flight: nothing to look at');
  });

  it('a percentage budget tolerates its share', () => {
    const w = new World(
      { configuration: { applyConfig }, strategy: { failureBudget: { maxFailures: '25%' } } },
      threeClusters(),
    );
    // 9 databases, 25% → 2 tolerated.
    const end = w.runToEnd((op) => (op.database === 'rd-c' && op.cluster !== 'c3' ? 'RolledBack' : undefined));
    assert.equal(end.phase, 'Completed');
    assert.equal(end.counts.failed, 2);
    assert.match(end.message, /7 succeeded, 2 failed of 9/);
  });

  it('an unreachable cluster counts as failures for its databases, not a crash', () => {
    const clusters = threeClusters();
    const w = new World({ configuration: { applyConfig }, strategy: { failureBudget: { maxFailures: 3 } } }, clusters);
    w.cluster('c3').reachable = false;
    const d = w.look();
    assert.deepEqual(
      d.status.failed.map((f) => [f.cluster, f.reason]),
      [['c3', 'ClusterUnreachable']],
      'unknown databases: one entry for the cluster',
    );
    assert.equal(d.status.clusters.find((c) => c.id === 'c3')?.reachable, false);
    assert.equal(w.runToEnd().phase, 'Completed');

    const later = new World(
      { configuration: { applyConfig }, strategy: { canary: { count: 1 }, failureBudget: { maxFailures: 2 } } },
      threeClusters(),
    );
    later.look();
    later.cluster('c2').reachable = false; // goes away after the plan was made
    later.settleAll();
    const wave = later.look();
    assert.equal(wave.status.phase, 'Halted', 'its 3 databases fail at their turn: over a budget of 2');
    assert.deepEqual(
      wave.status.failed.map((f) => [f.cluster, f.name, f.reason]),
      ['rd-a', 'rd-b', 'rd-c'].map((n) => ['c2', n, 'ClusterUnreachable']),
    );
    assert.deepEqual(wave.create, [], 'halted before the wave started anywhere');
  });
});
