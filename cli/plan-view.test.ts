import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planReconfigure, type ReconfigureRequest } from '../shared/config/plan-reconfigure.ts';
import type { ObservedRole } from '../shared/redis/replies.ts';
import {
  aclPodActions,
  buildAclOnlyReport,
  buildPlanReport,
  podActions,
  renderFailure,
  renderPlan,
  type AclPlanView,
} from './plan-view.ts';

const roles: ObservedRole[] = [
  { pod: 'rc-shard0-0', role: 'master', shard: 0 },
  { pod: 'rc-shard0-1', role: 'replica', shard: 0, masterPod: 'rc-shard0-0' },
  { pod: 'rc-shard1-0', role: 'replica', shard: 1, masterPod: 'rc-shard1-1' },
  { pod: 'rc-shard1-1', role: 'master', shard: 1 },
];
const order = ['rc-shard0-1', 'rc-shard1-0', 'rc-shard0-0', 'rc-shard1-1'];

const report = (request: ReconfigureRequest, mode: 'Cluster' | 'Sentinel' | 'Standalone' = 'Cluster') => {
  const plan = planReconfigure({
    current: { secretName: 's', secretConf: 'maxclients 500\n' },
    request,
    configKey: 'redis.conf',
    mode,
    distribution: 'Official',
    version: { version: '7.2.4', distribution: 'Official' },
  });
  const path = plan.live.path;
  const pods = podActions({ path, mode, order, roles, strategy: 'failover' });
  return buildPlanReport({
    opsRequest: 'demo/op',
    database: 'demo/rc',
    mode,
    engineVersion: '7.2.4',
    restart: request.restart,
    plan,
    path,
    pods,
    notes: [],
  });
};

void describe('plan view: what the functions would do, printed as kubectl prints', () => {
  void it('all mutable: live, the canary first, each pod CONFIG SET, nothing pending', () => {
    const r = report({ applyConfig: { 'redis.conf': 'maxmemory-policy allkeys-lru\nhz 20' } });
    assert.equal(r.path, 'live');
    assert.deepEqual(
      r.pods.map((p) => [p.pod, p.role]),
      order.map((p) => [p, p.endsWith('1-0') || p.endsWith('0-1') ? 'replica' : 'primary']),
    );
    assert.match(r.pods[0]?.action ?? '', /^CONFIG SET, CONFIG GET verify \(canary/);
    assert.equal(r.pods[1]?.action, 'CONFIG SET, CONFIG GET verify');
    const text = renderPlan(r);
    assert.equal(
      text[0],
      'Plan for RedisOpsRequest demo/op on Redis demo/rc (Cluster, judged as Redis 7.2, engine 7.2.4)',
    );
    assert.deepEqual(text.slice(2, 6), [
      'Configuration change (effective config):',
      'DIRECTIVE          BEFORE                  AFTER         ON REDIS 7.2',
      'hz                 <default: 10>           20            mutable (CONFIG SET)',
      'maxmemory-policy   <default: noeviction>   allkeys-lru   mutable (CONFIG SET)',
    ]);
    assert.ok(
      text.includes(
        'Path: live (CONFIG SET on every pod, no restart): restart: auto and every changed directive is CONFIG SET-able on Redis 7.2',
      ),
    );
    assert.ok(text.includes('Pending restart: none'));
    assert.equal(text.at(-1), 'Nothing was changed (plan only).');
    assert.equal(text.at(-2), r.summary);
  });

  void it('mixed: rolling, replicas first, each primary failed over to its own replica first', () => {
    const r = report({ applyConfig: { 'redis.conf': 'maxmemory-policy allkeys-lru\ndatabases 32' } });
    assert.equal(r.path, 'rolling');
    assert.equal(r.why, 'restart-only on Redis 7.2: databases');
    assert.deepEqual(
      r.pods.map((p) => p.action),
      [
        'evict, wait Ready with the new values and in sync',
        'evict, wait Ready with the new values and in sync',
        'CLUSTER FAILOVER to rc-shard0-1, then evict, wait Ready as a replica with the new values',
        'CLUSTER FAILOVER to rc-shard1-0, then evict, wait Ready as a replica with the new values',
      ],
    );
    const text = renderPlan(r);
    assert.ok(text.includes('#   POD           ROLE      SHARD   ACTION'), text.join('\n'));
    assert.ok(
      text.some((l) => l.startsWith('databases ') && l.endsWith('restart-only (IMMUTABLE_CONFIG in Redis 7.2)')),
    );
  });

  void it('Sentinel primaries hand over to a replica the sentinels choose; restart-strategy kubedb skips it', () => {
    const plan = report({ applyConfig: { 'redis.conf': 'databases 32' } }, 'Sentinel');
    assert.match(plan.pods[2]?.action ?? '', /^SENTINEL FAILOVER/);
    const kubedb = podActions({ path: 'rolling', mode: 'Sentinel', order, roles, strategy: 'kubedb' });
    assert.match(kubedb[2]?.action ?? '', /without a failover \(restart-strategy kubedb\)/);
  });

  void it('restart "false" + restart-only: pending directives and every pod named', () => {
    const r = report({ applyConfig: { 'redis.conf': 'databases 20\nhz 15' }, restart: 'false' });
    assert.equal(r.path, 'live-with-pending');
    assert.deepEqual(r.pending, { directives: ['databases'], pods: order });
    assert.ok(
      renderPlan(r).includes(
        `Pending restart: databases persisted, not in effect on ${order.join(', ')} until each pod's next restart (RestartPending on the ops request and the Redis)`,
      ),
    );
  });

  void it('nothing changes: no pods listed', () => {
    const r = report({ applyConfig: { 'redis.conf': 'maxclients 500' } });
    assert.equal(r.path, 'none');
    assert.deepEqual(r.pods, []);
    assert.ok(renderPlan(r).includes('  none: the effective configuration does not change'));
  });

  void it('a failure reads as the ops request would carry it', () => {
    assert.equal(
      renderFailure({
        kind: 'ReconfigurePlan',
        opsRequest: 'demo/op',
        outcome: 'Failed',
        reason: 'InvalidConfiguration',
        message: 'x',
      }),
      'the ops request would end Failed (InvalidConfiguration): x',
    );
  });
});

void describe('plan view: the ACL change (configuration.auth)', () => {
  const acl: AclPlanView = {
    added: ['userName10'],
    updated: ['userName1'],
    deleted: ['userName2'],
    kept: ['userName3', 'userName4'],
    persistedIn: 'secret rc-acl-123456 (user_acl.conf) and spec.acl (secretRef new-acl-secret)',
    pods: aclPodActions({ mode: 'Cluster', order, roles }),
  };

  void it('ACL only: users by name, where they are persisted, every pod in order with the canary first; no config change', () => {
    const r = buildAclOnlyReport({
      opsRequest: 'demo/op',
      database: 'demo/rc',
      mode: 'Cluster',
      line: 'Redis 7.2',
      engineVersion: '7.2.4',
      summary: 'ACL users changed live on 4 pod(s) (...); the request changes no configuration, so no pod restarts',
      effectiveConfig: 'maxclients 500\n',
      notes: [],
      acl,
    });
    assert.equal(r.path, 'none');
    assert.deepEqual(r.pods, []);
    assert.deepEqual(
      r.acl?.pods.map((p) => [p.pod, p.role]),
      order.map((p) => [p, p.endsWith('1-0') || p.endsWith('0-1') ? 'replica' : 'primary']),
    );
    assert.match(r.acl?.pods[0]?.action ?? '', /^ACL SETUSER \/ DELUSER, ACL GETUSER verify \(canary/);
    assert.match(r.acl?.pods[1]?.action ?? '', /compared with the canary$/);
    const text = renderPlan(r);
    assert.deepEqual(text.slice(1, 6), [
      '',
      'ACL change (configuration.auth), live before any configuration change, no restart:',
      '  added: userName10; updated: userName1; deleted: userName2; kept: userName3, userName4',
      '  persisted in secret rc-acl-123456 (user_acl.conf) and spec.acl (secretRef new-acl-secret)',
      '',
    ]);
    assert.ok(text.includes('ACL pods, in order:'), text.join('\n'));
    assert.ok(text.includes('  none: the effective configuration does not change'));
    assert.ok(text.includes('Path: nothing to apply: the request changes no configuration (ACL users only)'));
    assert.equal(text.at(-2), r.summary);
  });

  void it('with a configuration change: both sections, the ACL one first', () => {
    const plan = planReconfigure({
      current: { secretName: 's', secretConf: 'maxclients 500\n' },
      request: { applyConfig: { 'redis.conf': 'hz 20' } },
      configKey: 'redis.conf',
      mode: 'Cluster',
      distribution: 'Official',
      version: { version: '7.2.4', distribution: 'Official' },
    });
    const pods = podActions({ path: plan.live.path, mode: 'Cluster', order, roles, strategy: 'failover' });
    const r = buildPlanReport({
      opsRequest: 'demo/op',
      database: 'demo/rc',
      mode: 'Cluster',
      engineVersion: '7.2.4',
      restart: undefined,
      plan,
      path: plan.live.path,
      pods,
      notes: [],
      acl,
    });
    const text = renderPlan(r);
    const aclAt = text.indexOf('ACL pods, in order:');
    const configAt = text.indexOf('Configuration change (effective config):');
    assert.ok(aclAt > 0 && aclAt < configAt, text.join('\n'));
    assert.ok(text.includes('Pods, in order:'));
  });

  void it('a secretRef-only change touches no pod', () => {
    const text = renderPlan(
      buildAclOnlyReport({
        opsRequest: 'demo/op',
        database: 'demo/rc',
        mode: 'Standalone',
        line: 'Redis 7.2',
        engineVersion: undefined,
        summary: 's',
        effectiveConfig: '',
        notes: [],
        acl: { ...acl, added: [], updated: [], deleted: [], pods: [] },
      }),
    );
    assert.ok(text.includes('  no user changes on the pods (only the secretRef changes)'), text.join('\n'));
    assert.ok(!text.includes('ACL pods, in order:'));
  });
});
