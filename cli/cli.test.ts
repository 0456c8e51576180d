/**
 * The CLI without a cluster: argument errors (exit 2, the flag named, nothing called), help, the "waiting for" view
 * derived from real condition chains, and unpause's refusal and 409 handling against an in-memory port.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConflictError } from '../shared/errors.ts';
import type { Condition, Redis, RedisOpsRequest } from '../shared/kubedb/types.ts';
import { PLAN_ANNOTATION } from '../shared/steps/annotations.ts';
import { HALT_WAIT_ANNOTATION } from '../shared/steps/halt/wait-chain.ts';
import { findCommand } from './args.ts';
import type { CommandIo } from './command.ts';
import { run } from './main.ts';
import { humanDuration, table } from './output.ts';
import { describeOps, isStranded, pauseOf } from './status-view.ts';
import { unpause, UnpauseConflictError, type UnpausePort } from './unpause.ts';

const NOW = new Date('2026-01-01T12:00:00Z');

function captureIo(env: NodeJS.ProcessEnv = {}): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), env, now: () => NOW };
}

const cond = (type: string, secondsAgo: number, extra: Partial<Condition> = {}): Condition => ({
  type,
  status: 'True',
  reason: type,
  lastTransitionTime: new Date(NOW.getTime() - secondsAgo * 1000).toISOString(),
  ...extra,
});

function ops(status: RedisOpsRequest['status'], annotations: Record<string, string> = {}): RedisOpsRequest {
  return {
    apiVersion: 'ops.kubedb.com/v1alpha1',
    kind: 'RedisOpsRequest',
    metadata: { name: 'rdops-1', namespace: 'demo', uid: 'u-1', annotations },
    spec: { type: 'Reconfigure', databaseRef: { name: 'rd' }, configuration: { applyConfig: { 'redis.conf': '' } } },
    ...(status !== undefined ? { status } : {}),
  };
}

const plan = JSON.stringify({
  version: 1,
  restart: true,
  restartReason: 'test',
  pods: ['rd-0', 'rd-1'],
  expected: [{ parameter: 'maxclients', expected: '3000' }],
  previous: [{ parameter: 'maxclients', expected: '500' }],
  configHash: 'h',
});

describe('command line', () => {
  it('finds the command after global flags and their values', () => {
    assert.equal(findCommand(['-n', 'demo', '--context', 'x', 'status', '-A']), 'status');
    assert.equal(findCommand(['--kubeconfig=/k', 'unpause', 'rd']), 'unpause');
    assert.equal(findCommand(['-o', 'wide']), undefined);
  });

  const usageCases: Array<[string[], RegExp]> = [
    [['nope'], /unknown command "nope"/],
    [['status', '--bogus'], /--bogus/],
    [['status', '-o', 'xml'], /-o\/--output xml/],
    [['status', '-n'], /-n, --namespace/],
    [['status', '-n', 'a', '-A'], /-n\/--namespace and -A/],
    [['unpause'], /the Redis name is required/],
    [['unpause', 'a', 'b'], /one Redis name/],
    [['unpause', 'rd', '-A'], /-A\/--all-namespaces/],
    [['redrive'], /name a queue/],
    [['redrive', 'halt', '--all'], /--all and halt/],
    [['redrive', '--all', '--method', 'x'], /--method x/],
    [['redrive', '--all', '--max', '0'], /--max 0/],
    [['redrive', '--all', '--endpoint-url', 'localhost'], /--endpoint-url localhost/],
  ];
  for (const [args, message] of usageCases) {
    it(`${args.join(' ')} → exit 2, the flag named`, async () => {
      const io = captureIo();
      assert.equal(await run(args, io), 2);
      assert.match(io.stderr.join('\n'), message);
      assert.deepEqual(io.stdout, []);
    });
  }

  it('an unknown queue and a missing kubeconfig or context are usage errors too (exit 2)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rr-cli-'));
    after(() => rm(dir, { recursive: true, force: true }));
    const kubeconfig = join(dir, 'config');
    await writeFile(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\n' +
        'users: [{name: u, user: {token: t}}]\ncontexts: [{name: one, context: {cluster: c, user: u}}]\n' +
        'current-context: one\n',
    );
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [
        ['redrive', 'nope', '--stage', 'x'],
        {},
        /unknown queue "nope" \(one of: halt, apply-config, restart-pod, resume, recover, rollout\)/,
      ],
      [['status'], { HOME: dir }, /no kubeconfig/],
      [['status', '--kubeconfig', kubeconfig, '--context', 'two'], {}, /--context two: no such context.*one/],
      [['status', '--kubeconfig', join(dir, 'missing')], {}, /--kubeconfig .*missing: no such file/],
    ];
    for (const [args, env, message] of cases) {
      const io = captureIo(env);
      assert.equal(await run(args, io), 2, args.join(' '));
      assert.match(io.stderr.join('\n'), message);
    }
  });

  it('--help lists the commands; <command> --help its flags and the global ones', async () => {
    const top = captureIo();
    assert.equal(await run(['--help'], top), 0);
    assert.match(top.stdout.join('\n'), /status .*\n.*unpause .*\n.*redrive .*\n.*plan /);
    for (const name of ['status', 'unpause', 'redrive', 'plan']) {
      const io = captureIo();
      assert.equal(await run([name, '-h'], io), 0);
      assert.match(io.stdout.join('\n'), new RegExp(`usage: redis-reconfigure ${name}[\\s\\S]*--kubeconfig`));
    }
  });
});

describe('plan: argument errors exit 2 before any cluster call', () => {
  it('names the missing or conflicting flag', async () => {
    for (const [args, message] of [
      [['plan'], /-f\/--filename <ops-request.yaml> is required/],
      [['plan', '-f', 'x.yaml', '-A'], /plan reads one ops request/],
      [['plan', '-f', 'x.yaml', 'extra'], /unexpected argument extra/],
    ] as const) {
      const io = captureIo();
      assert.equal(await run([...args], io), 2, args.join(' '));
      assert.match(io.stderr.join('\n'), message);
    }
  });
});

describe('output', () => {
  it('ages as kubectl prints them (duration.HumanDuration)', () => {
    const cases: Array<[number, string]> = [
      [5, '5s'],
      [119, '119s'],
      [125, '2m5s'],
      [600, '10m'],
      [3 * 3600 + 60, '3h1m'],
      [30 * 3600, '30h'],
      [3 * 86400 + 3600, '3d1h'],
      [40 * 86400, '40d'],
    ];
    for (const [seconds, text] of cases) assert.equal(humanDuration(seconds * 1000), text);
  });

  it('aligns columns three spaces apart', () => {
    assert.deepEqual(table(['A', 'BB'], [['xyz', '1']]), ['A     BB', 'xyz   1']);
  });
});

describe('what an ops request waits for', () => {
  it('not picked up yet, waiting for a Ready database with the next check, its turn', () => {
    assert.match(describeOps(ops(undefined), NOW).waitingFor, /not picked up yet/);
    const waitingReady = ops(
      {
        phase: 'Pending',
        conditions: [
          cond('WaitingForOtherOpsRequest', 20, {
            reason: 'WaitingForDatabaseReady',
            message: 'Redis demo/rd is Provisioning',
          }),
        ],
      },
      { [HALT_WAIT_ANNOTATION]: `3@${new Date(NOW.getTime() + 12_000).toISOString()}` },
    );
    const view = describeOps(waitingReady, NOW);
    assert.equal(view.phase, 'Pending');
    assert.equal(view.step, 'halt');
    assert.match(
      view.waitingFor,
      /database to be Ready \(apply: IfReady\): Redis demo\/rd is Provisioning; next check in 12s/,
    );
    assert.equal(view.lastTransitionTime, new Date(NOW.getTime() - 20_000).toISOString());
    const turn = ops({
      phase: 'Pending',
      conditions: [cond('WaitingForOtherOpsRequest', 5, { message: 'waiting for the older RedisOpsRequest demo/a' })],
    });
    assert.match(describeOps(turn, NOW).waitingFor, /its turn: waiting for the older RedisOpsRequest demo\/a/);
  });

  it('a Progressing run: the step and pod dueStep names, with the position in the plan', () => {
    const base = [cond('Reconfigure', 60), cond('DatabasePauseSucceeded', 59)];
    assert.match(describeOps(ops({ phase: 'Progressing', conditions: base }), NOW).waitingFor, /^apply-config/);
    const planned = [...base, cond('patchedSecret', 50), cond('UpdatePetSets', 49)];
    const evicting = describeOps(ops({ phase: 'Progressing', conditions: planned }, { [PLAN_ANNOTATION]: plan }), NOW);
    assert.equal(evicting.waitingFor, 'restart-pod: evicting pod rd-0 (1/2)');
    assert.equal(evicting.pod, 'rd-0');
    const checking = describeOps(
      ops(
        {
          phase: 'Progressing',
          conditions: [...planned, cond('EvictPod--rd-0', 40), cond('IsPodReady--rd-0', 30), cond('EvictPod--rd-1', 3)],
        },
        { [PLAN_ANNOTATION]: plan },
      ),
      NOW,
    );
    assert.equal(checking.waitingFor, 'restart-pod: pod rd-1 Ready with the new values (CONFIG GET) (2/2)');
    assert.equal(checking.lastCondition?.type, 'EvictPod--rd-1');
    assert.equal(checking.lastTransitionTime, new Date(NOW.getTime() - 3000).toISOString());
  });

  it('a Progressing run shows when its whole-operation deadline passes, counted from the pause', () => {
    const base = [cond('Reconfigure', 60), cond('DatabasePauseSucceeded', 59)];
    const view = describeOps(
      ops({ phase: 'Progressing', conditions: base }, { 'redis-reconfigure.io/deadline': '5m' }),
      NOW,
    );
    assert.equal(view.deadline, new Date(NOW.getTime() - 59_000 + 300_000).toISOString());
    assert.equal(
      describeOps(ops({ phase: 'Progressing', conditions: base }), NOW).deadline,
      new Date(NOW.getTime() - 59_000 + 3_600_000).toISOString(),
      'the default, 1 h',
    );
    assert.equal(describeOps(ops(undefined), NOW).deadline, undefined, 'not paused yet: no clock');
  });

  it('stranded pauses: the ops request named is gone or ended; a foreign pause is not judged', () => {
    const redis = (message: string): Redis => ({
      apiVersion: 'kubedb.com/v1',
      kind: 'Redis',
      metadata: { name: 'rd', namespace: 'demo' },
      spec: { version: '8.2.2' },
      status: { conditions: [cond('Paused', 100, { message })] },
    });
    const mine = pauseOf(redis('Paused by RedisOpsRequest demo/rdops-1 (uid u-1)'));
    assert.ok(mine !== undefined);
    assert.deepEqual(mine.owner, { namespace: 'demo', name: 'rdops-1', uid: 'u-1' });
    assert.equal(isStranded(mine, [ops({ phase: 'Progressing' })]), false);
    assert.equal(isStranded(mine, [ops({ phase: 'Failed' })]), true);
    assert.equal(isStranded(mine, []), true);
    const foreign = pauseOf(redis('paused by someone'));
    assert.ok(foreign !== undefined);
    assert.equal(isStranded(foreign, []), false);
  });
});

describe('unpause', () => {
  const paused = (rv: string): Redis => ({
    apiVersion: 'kubedb.com/v1',
    kind: 'Redis',
    metadata: { name: 'rd', namespace: 'demo', resourceVersion: rv },
    spec: { version: '8.2.2' },
    status: {
      conditions: [cond('Ready', 300), cond('Paused', 100, { message: 'Paused by RedisOpsRequest demo/gone (uid g)' })],
    },
  });

  function fakePort(opsRequests: RedisOpsRequest[], conflicts: number) {
    const writes: Array<{ rv: string | undefined; types: string[] }> = [];
    const events: string[] = [];
    let reads = 0;
    const port: UnpausePort = {
      getRedis: async () => paused(String(++reads)),
      listOpsRequests: async () => opsRequests,
      writeRedisConditions: async (r, conditions) => {
        writes.push({ rv: r.metadata.resourceVersion, types: conditions.map((c) => c.type) });
        if (writes.length <= conflicts) throw new ConflictError('409');
      },
      recordRedisEvent: async (_r, e) => {
        events.push(`${e.type} ${e.reason}: ${e.message}`);
      },
    };
    return { port, writes, events };
  }

  it('refuses while an ops request of the database is Progressing, naming it; --force overrides with a Warning', async () => {
    const progressing = ops({ phase: 'Progressing', conditions: [cond('Reconfigure', 10)] });
    const refused = fakePort([progressing], 0);
    const result = await unpause(refused.port, { namespace: 'demo', name: 'rd', force: false }, () => NOW);
    assert.equal(result.kind, 'refused');
    assert.deepEqual(refused.writes, []);
    const forced = fakePort([progressing], 0);
    const done = await unpause(forced.port, { namespace: 'demo', name: 'rd', force: true }, () => NOW);
    assert.equal(done.kind, 'unpaused');
    assert.match(forced.events[0] ?? '', /^Warning ResumeDatabase: .*forced while rdops-1 Progressing/);
  });

  it('writes with the resourceVersion read; a 409 re-reads and re-checks; Paused alone is removed', async () => {
    const { port, writes, events } = fakePort([ops({ phase: 'Successful' })], 2);
    const result = await unpause(port, { namespace: 'demo', name: 'rd', force: false }, () => NOW);
    assert.deepEqual(result.kind === 'unpaused' ? result.attempts : result.kind, 3);
    assert.deepEqual(
      writes.map((w) => w.rv),
      ['1', '2', '3'],
    );
    assert.deepEqual(writes[2]?.types, ['Ready']);
    assert.equal(events.length, 1);
    assert.match(events[0] ?? '', /^Normal ResumeDatabase: .*it was: Paused by RedisOpsRequest demo\/gone/);
  });

  it('gives up with a named error after repeated conflicts', async () => {
    const { port } = fakePort([], 99);
    await assert.rejects(
      unpause(port, { namespace: 'demo', name: 'rd', force: false }, () => NOW),
      UnpauseConflictError,
    );
  });
});
