/** The scheduled drift check's scope, and that one unreachable cluster neither hides the others nor goes unnoticed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Redis, RedisOpsRequest } from '../../kubedb/types.ts';
import type { StepDeps } from '../ports.ts';
import { opsRequest, redis } from '../../../test/support/objects.ts';
import { parseDriftScope, runScheduledDrift } from './drift-schedule.ts';
import { checkDrift } from './drift-step.ts';

function deps(redises: Redis[], ops: RedisOpsRequest[] = []): StepDeps {
  return {
    kube: {
      listRedises: async () => redises,
      listOpsRequests: async () => ops,
      // No managed secret: the database is reported as not yet declared (checked, not drifted).
      getSecret: async () => undefined,
    },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    now: () => new Date('2026-01-01T00:00:00Z'),
  } as unknown as StepDeps;
}

describe('parseDriftScope', () => {
  it('reads cluster id → namespaces; empty or unset is no scope', () => {
    assert.deepEqual(parseDriftScope('{"eu-prod-1":["demo","payments"]}'), { 'eu-prod-1': ['demo', 'payments'] });
    assert.deepEqual(parseDriftScope(undefined), {});
    assert.deepEqual(parseDriftScope(' '), {});
  });
  it('refuses what is not that shape, naming DRIFT_SCOPE', () => {
    for (const bad of ['[', '["demo"]', '{"c":"demo"}', '{"c":["Not_A_Namespace"]}'])
      assert.throws(
        () => parseDriftScope(bad),
        (err: Error) => err.name === 'MisconfigurationError' && /DRIFT_SCOPE/.test(err.message),
        bad,
      );
  });
});

describe('checkDrift skips databases under reconfiguration', () => {
  it('a Paused Redis, and one with a Progressing ops request, are skipped; another is checked', async () => {
    const paused = {
      ...redis({
        conditions: [
          {
            type: 'Paused',
            status: 'True',
            message: 'Paused by RedisOpsRequest demo/x (uid u)',
            lastTransitionTime: 't',
          },
        ],
      }),
    };
    paused.metadata = { ...paused.metadata, name: 'rd-paused' };
    const busy = redis();
    busy.metadata = { ...busy.metadata, name: 'rd-busy' };
    const idle = redis();
    idle.metadata = { ...idle.metadata, name: 'rd-idle' };
    const progressing = opsRequest({ phase: 'Progressing', spec: { databaseRef: { name: 'rd-busy' } } });
    const reports = await checkDrift(deps([paused, busy, idle], [progressing]), { clusterId: 'c', namespace: 'demo' });
    assert.deepEqual(
      reports.map((r) => [r.redis, 'skipped' in r ? r.skipped : 'checked']),
      [
        ['rd-paused', 'Paused (Paused by RedisOpsRequest demo/x (uid u))'],
        ['rd-busy', 'RedisOpsRequest rdops-reconfigure is Progressing'],
        ['rd-idle', 'no declared configuration yet'],
      ],
    );
  });
});

describe('runScheduledDrift', () => {
  it('checks every namespace of every cluster, and reports the ones that failed together, after the others', async () => {
    const seen: string[] = [];
    const depsFor = async (clusterId: string): Promise<StepDeps> => {
      if (clusterId === 'gone') throw new Error('cluster unreachable');
      return {
        ...deps([]),
        kube: { ...deps([]).kube, listRedises: async (ns: string) => (seen.push(`${clusterId}/${ns}`), []) },
      };
    };
    await assert.rejects(
      runScheduledDrift({ a: ['n1', 'n2'], gone: ['n3'], b: ['n4'] }, depsFor),
      (err: Error) => err.name === 'DriftCheckFailedError' && /gone\/n3: Error: cluster unreachable/.test(err.message),
    );
    assert.deepEqual(seen, ['a/n1', 'a/n2', 'b/n4']);
  });
});

describe('checkDrift reports through the ports', () => {
  it('drift on a pod: the ConfigDrift condition, a Warning Event and a drift CloudEvent naming pod and directive', async () => {
    const db = redis();
    const published: Array<{ type: string; data: unknown }> = [];
    const conditions: unknown[] = [];
    const events: string[] = [];
    const world = {
      ...deps([db]),
      kube: {
        listRedises: async () => [db],
        listOpsRequests: async () => [],
        getSecret: async (_ns: string, name: string) =>
          name.endsWith('-auth')
            ? { name, data: { password: 'pw' }, annotations: {} }
            : { name, data: { 'default.conf': 'maxclients 500\n' }, annotations: {} },
        getRedisVersion: async () => undefined,
        listDatabasePods: async () => [
          { name: 'sample-redis-0', uid: 'p', deleting: false, ready: true, podIP: '10.0.0.1', restartCount: 0 },
        ],
        writeRedisConditions: async (r: Redis, c: unknown[]) => (conditions.push(...c), r),
        recordEvent: async (_o: unknown, e: { reason: string }) => void events.push(e.reason),
      },
      redis: { configGet: async () => ({ maxclients: '900' }) },
      events: { publish: async (e: { type: string; data: unknown }) => void published.push(e) },
    } as unknown as StepDeps;
    const [report] = await checkDrift(world, { clusterId: 'c1', namespace: 'demo' });
    assert.ok(report !== undefined && 'result' in report && report.changed);
    assert.deepEqual(events, ['ConfigDrift']);
    assert.equal(published.length, 1);
    assert.equal(published[0]?.type, 'io.redis-reconfigure.redis.drift.v1');
    assert.deepEqual((published[0]?.data as { drifted: unknown }).drifted, [
      { pod: 'sample-redis-0', parameter: 'maxclients' },
    ]);
    assert.match(JSON.stringify(conditions), /"type":"ConfigDrift","status":"True"/);
  });
});
