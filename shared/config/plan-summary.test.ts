import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planReconfigure, type ReconfigureRequest } from './plan-reconfigure.ts';
import { directiveChanges, pathReason, planSummaryLine } from './plan-summary.ts';

const plan = (request: ReconfigureRequest, version = '7.2.4') =>
  planReconfigure({
    current: { secretName: 's', secretConf: 'maxclients 500\n' },
    request,
    configKey: 'redis.conf',
    mode: 'Cluster',
    distribution: 'Official',
    version: { version, distribution: 'Official' },
  });
const apply = (conf: string, restart?: 'true' | 'false') => ({
  applyConfig: { 'redis.conf': conf },
  ...(restart !== undefined ? { restart } : {}),
});

void describe('planSummaryLine: the plan in one line, as the step records it and the CLI prints it', () => {
  void it('all mutable, restart auto: live, no pod restarted, the line judged against, the pods in order', () => {
    const p = plan(apply('maxmemory-policy allkeys-lru\nhz 20'));
    assert.equal(
      planSummaryLine(p, 'auto', ['rd-shard0-1', 'rd-shard0-0']),
      'plan: live, no pod restarted (restart: auto and every changed directive is CONFIG SET-able on Redis 7.2); ' +
        'changed: hz, maxmemory-policy; pods in order: rd-shard0-1, rd-shard0-0',
    );
  });

  void it('a restart-only directive in the change: rolling, naming it and the line', () => {
    const p = plan(apply('maxmemory-policy allkeys-lru\ndatabases 32'));
    assert.equal(
      planSummaryLine(p),
      'plan: rolling restart (restart-only on Redis 7.2: databases); changed: databases, maxmemory-policy',
    );
  });

  void it('restart "true": rolling because it was asked for', () => {
    assert.equal(pathReason(plan(apply('hz 20', 'true')), 'true'), 'restart: "true" was requested');
  });

  void it('restart "false" with a restart-only directive: live with pending, naming what is pending', () => {
    const p = plan(apply('databases 20\nhz 15', 'false'));
    assert.equal(
      planSummaryLine(p, 'false'),
      'plan: live with pending restart, no pod restarted (restart: "false": hz CONFIG SET live, databases ' +
        "restart-only on Redis 7.2, persisted and pending until each pod's next restart); changed: databases, hz",
    );
  });

  void it('nothing changes: nothing to apply', () => {
    assert.equal(
      planSummaryLine(plan(apply('maxclients 500'))),
      'plan: nothing to apply (the effective configuration does not change)',
    );
  });
});

void describe('directiveChanges: before, after and mutability per directive on the line', () => {
  void it('mutable and restart-only with the reason the table gives; the built-in value where unset', () => {
    assert.deepEqual(directiveChanges(plan(apply('databases 32\nhz 20'))), [
      {
        directive: 'databases',
        key: 'databases',
        before: undefined,
        after: '32',
        builtIn: '16',
        mutability: 'restart-only',
        reason: 'IMMUTABLE_CONFIG in Redis 7.2',
      },
      { directive: 'hz', key: 'hz', before: undefined, after: '20', builtIn: '10', mutability: 'mutable' },
    ]);
  });

  void it('before is the effective value being replaced', () => {
    const [c] = directiveChanges(plan(apply('maxclients 3000')));
    assert.deepEqual(c, {
      directive: 'maxclients',
      key: 'maxclients',
      before: '500',
      after: '3000',
      mutability: 'mutable',
    });
  });
});
