import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { failureBudgetCount, parseFleetRolloutSpec } from './spec.ts';
import { matchesLabelSelector } from './label-selector.ts';
import { fleetOpsRequestName, labelValueFor, MAX_NAME } from './names.ts';
import { InvalidFleetRolloutError } from './errors.ts';

const change = { configuration: { applyConfig: { 'redis.conf': 'maxclients 3000' } } };

describe('FleetRollout spec', () => {
  it('fills the defaults: no canary, one wave, no failure tolerated, no soak, halt', () => {
    const spec = parseFleetRolloutSpec(change);
    assert.deepEqual(spec.strategy, {
      canary: { count: 0 },
      failureBudget: { maxFailures: 0 },
      soak: 0,
      onFailure: 'halt',
    });
    assert.equal(spec.paused, false);
    assert.equal(spec.abort, false);
    assert.deepEqual(spec.clusterSelector, {});
  });

  it('parses durations and budgets', () => {
    const spec = parseFleetRolloutSpec({
      ...change,
      strategy: { soak: '1m30s', failureBudget: { maxFailures: '10%' }, waveSize: 25, onFailure: 'rollback' },
    });
    assert.equal(spec.strategy.soak, 90_000);
    assert.equal(failureBudgetCount(spec.strategy.failureBudget.maxFailures, 95), 9);
    assert.equal(failureBudgetCount('3', 95), 3);
    assert.equal(failureBudgetCount(2, 95), 2);
  });

  it('names every bad field', () => {
    assert.throws(
      () =>
        parseFleetRolloutSpec({
          configuration: {},
          strategy: { soak: 'soon', waveSize: 0, failureBudget: { maxFailures: '150%' } },
          clusterSelector: { matchExpressions: [{ key: 'env', operator: 'In' }] },
        }),
      (err: Error) => {
        assert.ok(err instanceof InvalidFleetRolloutError);
        for (const path of [
          'spec.configuration',
          'spec.strategy.soak',
          'spec.strategy.waveSize',
          'spec.strategy.failureBudget.maxFailures',
          'spec.clusterSelector.matchExpressions.0.values',
        ]) {
          assert.match(err.message, new RegExp(`${path.replaceAll('.', '\\.')}:`), path);
        }
        return true;
      },
    );
  });

  it('refuses unknown fields (a typo must not silently mean the default)', () => {
    assert.throws(
      () => parseFleetRolloutSpec({ ...change, strategy: { canaries: { count: 1 } } }),
      /spec\.strategy: Unrecognized key/,
    );
  });
});

describe('label selectors (Kubernetes semantics)', () => {
  const labels = { env: 'prod', region: 'eu' };
  it('ANDs matchLabels and expressions; the empty selector matches all', () => {
    assert.equal(matchesLabelSelector({}, labels), true);
    assert.equal(matchesLabelSelector(undefined, {}), true);
    assert.equal(matchesLabelSelector({ matchLabels: { env: 'prod' } }, labels), true);
    assert.equal(matchesLabelSelector({ matchLabels: { env: 'prod', region: 'us' } }, labels), false);
    const expr = (operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist', key: string, values?: string[]) => ({
      matchExpressions: [{ key, operator, ...(values ? { values } : {}) }],
    });
    assert.equal(matchesLabelSelector(expr('In', 'region', ['eu', 'us']), labels), true);
    assert.equal(matchesLabelSelector(expr('In', 'tier', ['gold']), labels), false);
    assert.equal(matchesLabelSelector(expr('NotIn', 'region', ['eu']), labels), false);
    assert.equal(matchesLabelSelector(expr('NotIn', 'tier', ['gold']), labels), true, 'NotIn matches a missing key');
    assert.equal(matchesLabelSelector(expr('Exists', 'env'), labels), true);
    assert.equal(matchesLabelSelector(expr('DoesNotExist', 'env'), labels), false);
  });
});

describe('ops request names', () => {
  const id = {
    rolloutUid: 'u1',
    rollout: 'raise-maxclients',
    cluster: 'c1',
    namespace: 'demo',
    database: 'rd-0',
    purpose: 'apply' as const,
  };
  it('are deterministic DNS labels, distinct per identity and purpose', () => {
    const a = fleetOpsRequestName(id);
    assert.equal(a, fleetOpsRequestName({ ...id }));
    assert.match(a, /^raise-maxclients-rd-0-[0-9a-f]{10}$/);
    const others = [
      { ...id, cluster: 'c2' },
      { ...id, namespace: 'other' },
      { ...id, purpose: 'rollback' as const },
      { ...id, rolloutUid: 'u2' },
    ].map(fleetOpsRequestName);
    assert.equal(new Set([a, ...others]).size, 5);
    assert.match(fleetOpsRequestName({ ...id, purpose: 'rollback' }), /-rb-[0-9a-f]{10}$/);
  });

  it('cut long names to 63 and keep them distinct', () => {
    const long = { ...id, rollout: 'R'.repeat(100), database: `db.${'x'.repeat(80)}` };
    const a = fleetOpsRequestName(long);
    const b = fleetOpsRequestName({ ...long, database: `db.${'x'.repeat(80)}y` });
    for (const n of [a, b]) {
      assert.ok(n.length <= MAX_NAME, n);
      assert.match(n, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
    assert.notEqual(a, b);
  });

  it('label values: the name when it fits, else a hash', () => {
    assert.equal(labelValueFor('raise-maxclients'), 'raise-maxclients');
    assert.match(labelValueFor('x'.repeat(70)), /^h-[0-9a-f]{10}$/);
  });
});
