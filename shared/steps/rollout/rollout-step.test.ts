/**
 * runRollout through its ports with in-memory clusters: the order of effects (status before any create), creates
 * that meet an existing ops request, an unreachable member, one pending look at a time, an invalid spec.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../logging.ts';
import type { Redis, RedisOpsRequest } from '../../kubedb/types.ts';
import type { RolloutData } from '../../messages/rollout-message.ts';
import { ConflictError, UnavailableError } from '../../errors.ts';
import { ROLLOUT_UID_LABEL } from '../../fleet/labels.ts';
import type { FleetMemberPort, FleetRolloutObject, RolloutDeps } from './ports.ts';
import { runRollout } from './rollout-step.ts';

const redis = (ns: string, name: string): Redis => ({
  apiVersion: 'kubedb.com/v1',
  kind: 'Redis',
  metadata: { name, namespace: ns, labels: {} },
  spec: { version: '7.2.4', mode: 'Standalone', configuration: { secretName: 'old-conf' } },
  status: { phase: 'Ready' },
});

class Member implements FleetMemberPort {
  readonly ops: RedisOpsRequest[] = [];
  down = false;
  readonly id: string;
  readonly journal: string[];
  readonly redises: Redis[];
  constructor(id: string, journal: string[], redises: Redis[]) {
    this.id = id;
    this.journal = journal;
    this.redises = redises;
  }
  async listRedises() {
    if (this.down) throw new UnavailableError(`connect ECONNREFUSED (${this.id})`);
    return this.redises;
  }
  async listRolloutOpsRequests(uid: string) {
    if (this.down) throw new UnavailableError(`connect ECONNREFUSED (${this.id})`);
    return this.ops.filter((o) => o.metadata.labels?.[ROLLOUT_UID_LABEL] === uid);
  }
  async createOpsRequest(o: RedisOpsRequest) {
    this.journal.push(`create ${this.id}/${o.metadata.namespace}/${o.metadata.name}`);
    if (this.ops.some((x) => x.metadata.name === o.metadata.name)) return 'exists' as const;
    this.ops.push(structuredClone(o));
    return 'created' as const;
  }
  settle(phase = 'Successful') {
    for (const o of this.ops) o.status ??= { phase, conditions: [] };
  }
}

function fleet(spec: unknown) {
  const journal: string[] = [];
  const members = new Map(
    ['c1', 'c2'].map((id) => [id, new Member(id, journal, [redis('demo', 'rd-a'), redis('demo', 'rd-b')])]),
  );
  let rollout: FleetRolloutObject = {
    apiVersion: 'fleet.redis-reconfigure.io/v1alpha1',
    kind: 'FleetRollout',
    metadata: { name: 'r1', namespace: 'fleet', uid: 'uid-1', generation: 1, resourceVersion: '1' },
    spec,
  };
  const looks: Array<{ data: RolloutData; delay: number }> = [];
  const events: string[] = [];
  let now = Date.parse('2026-01-01T00:00:00Z');
  const deps: RolloutDeps = {
    hub: async () => ({
      getRollout: async () => structuredClone(rollout),
      writeRolloutStatus: async (_r, status) => {
        journal.push('status');
        const merged = { ...rollout.status, ...status } as Record<string, unknown>;
        for (const [k, v] of Object.entries(merged)) if (v === null) delete merged[k];
        rollout = { ...rollout, status: merged as unknown as FleetRolloutObject['status'] };
        return rollout;
      },
    }),
    member: async (id) => {
      const m = members.get(id);
      if (m === undefined) throw new Error(`no ${id}`);
      return m;
    },
    registry: { list: async () => [...members.keys()].map((id) => ({ id, labels: {} })) },
    queue: { sendLook: async (data, delay) => void looks.push({ data, delay }) },
    events: { publish: async (_ref, t) => void events.push(t.type) },
    now: () => new Date(now),
    log: createLogger({ sink: () => undefined }),
  };
  const announce: RolloutData = {
    version: 1,
    clusterId: 'c1',
    namespace: 'fleet',
    name: 'r1',
    reason: 'announce',
    traceId: 't',
  };
  return {
    journal,
    members,
    looks,
    events,
    deps,
    announce,
    get rollout() {
      return rollout;
    },
    advance: (ms: number) => (now += ms),
  };
}

const change = { configuration: { applyConfig: { 'redis.conf': 'maxclients 3000' } } };

describe('runRollout', () => {
  it('writes the status before creating, labels the ops requests, and runs to Completed', async () => {
    const f = fleet({ ...change, strategy: { canary: { count: 1 } } });
    await runRollout(f.announce, f.deps);
    assert.equal(f.journal[0], 'status', 'the previous configuration is on record before the change');
    assert.deepEqual(f.journal.slice(1), [
      'create c1/demo/r1-rd-a-' + f.members.get('c1')!.ops[0]!.metadata.name.slice(-10),
    ]);
    const created = f.members.get('c1')!.ops[0]!;
    assert.equal(created.metadata.labels?.['fleet.redis-reconfigure.io/rollout'], 'r1');
    assert.equal(created.metadata.annotations?.['fleet.redis-reconfigure.io/rollout-ref'], 'c1/fleet/r1');
    assert.deepEqual(created.spec.configuration, change.configuration);
    assert.deepEqual(f.rollout.status?.targets[0]?.previous, { secretName: 'old-conf' });
    assert.deepEqual(f.events, ['Started']);
    assert.equal(f.looks.length, 1);
    assert.equal(f.looks[0]?.delay, 30);

    await runRollout(f.announce, f.deps); // a duplicate: the look is already pending, nothing is created again
    assert.equal(f.looks.length, 1, 'one pending look at a time');
    assert.equal(f.members.get('c1')!.ops.length, 1);

    for (const m of f.members.values()) m.settle();
    await runRollout(f.looks.at(-1)!.data, f.deps);
    assert.equal(f.looks.length, 2, 'the recorded look re-sends itself while ops requests run');
    for (const m of f.members.values()) m.settle();
    await runRollout(f.looks.at(-1)!.data, f.deps);
    assert.equal(f.rollout.status?.phase, 'Completed');
    assert.deepEqual(f.events, ['Started', 'WaveCompleted', 'WaveCompleted', 'Completed']);
    assert.equal(f.looks.length, 2, 'no look after the end');
    assert.equal(f.rollout.status?.nextLookAt, undefined);
  });

  it('a look that dies at its creates has already published what it decided; the next one creates, once', async () => {
    const f = fleet({ ...change, strategy: { canary: { count: 1 } } });
    const c1 = f.members.get('c1')!;
    const create = c1.createOpsRequest.bind(c1);
    c1.createOpsRequest = () => Promise.reject(new Error('killed at the create (the function timed out)'));
    await assert.rejects(runRollout(f.announce, f.deps), /killed at the create/);
    assert.deepEqual(f.events, ['Started'], 'published before the status that records it was written');
    assert.equal(f.rollout.status?.phase, 'Progressing');
    c1.createOpsRequest = create;
    await runRollout(f.announce, f.deps);
    assert.equal(c1.ops.length, 1);
  });

  it('an unreachable member fails its databases, the others go on', async () => {
    const f = fleet({ ...change, strategy: { failureBudget: { maxFailures: 1 } } });
    f.members.get('c2')!.down = true;
    await runRollout(f.announce, f.deps);
    assert.equal(f.rollout.status?.phase, 'Progressing');
    assert.deepEqual(
      f.rollout.status?.failed.map((x) => [x.cluster, x.reason]),
      [['c2', 'ClusterUnreachable']],
    );
    assert.match(f.rollout.status?.failed[0]?.message ?? '', /ECONNREFUSED/);
    assert.equal(f.members.get('c1')!.ops.length, 2);
  });

  it('an invalid spec is said in the status; nothing is created', async () => {
    const f = fleet({ configuration: {}, strategy: { soak: 'later' } });
    await runRollout(f.announce, f.deps);
    assert.match(f.rollout.status?.message ?? '', /invalid spec: spec\.configuration: .*spec\.strategy\.soak/);
    assert.deepEqual(f.journal, ['status']);
    assert.equal(f.looks.length, 0);
  });

  it('a look for an earlier rollout of the same name does nothing', async () => {
    const f = fleet(change);
    await runRollout({ ...f.announce, reason: 'look', uid: 'another' }, f.deps);
    assert.deepEqual(f.journal, []);
  });

  describe('woken by an outcome event of one of its ops requests', () => {
    const outcome = (f: ReturnType<typeof fleet>) => ({ ...f.announce, uid: 'uid-1', reason: 'ops-outcome' as const });
    const endedOf = (f: ReturnType<typeof fleet>) => {
      const op = f.members.get('c1')!.ops[0]!;
      return { cluster: 'c1', namespace: 'demo', name: op.metadata.name, phase: 'Successful' };
    };

    it('looks when the status does not know the end yet, and moves the rollout on', async () => {
      const f = fleet({ ...change, strategy: { canary: { count: 1 } } });
      await runRollout(f.announce, f.deps);
      f.members.get('c1')!.settle();
      await runRollout(outcome(f), f.deps, { ended: endedOf(f) });
      assert.equal(f.rollout.status?.targets.find((t) => t.canary)?.state, 'Succeeded');
      assert.equal(f.members.get('c1')!.ops.length + f.members.get('c2')!.ops.length, 4, 'the next wave created');
    });

    it('skips the look when the status already records that ops request as ended (a burst)', async () => {
      const f = fleet({ ...change, strategy: { canary: { count: 1 } } });
      await runRollout(f.announce, f.deps);
      f.members.get('c1')!.settle();
      await runRollout(outcome(f), f.deps, { ended: endedOf(f) });
      const journal = f.journal.length;
      await runRollout(outcome(f), f.deps, { ended: endedOf(f) });
      assert.equal(f.journal.length, journal, 'no status write, no create: nothing new to decide');
      await runRollout(outcome(f), f.deps, { ended: endedOf(f), redelivered: true });
      assert.equal(f.journal[journal], 'status', 'a redelivered event (its look may have died) looks in full');
    });

    it('does nothing for a finished rollout', async () => {
      const f = fleet(change);
      await runRollout(f.announce, f.deps);
      for (const m of f.members.values()) m.settle();
      await runRollout(f.looks.at(-1)!.data, f.deps);
      assert.equal(f.rollout.status?.phase, 'Completed');
      const journal = f.journal.length;
      await runRollout(outcome(f), f.deps, { ended: { ...endedOf(f), name: 'someone-else' } });
      assert.equal(f.journal.length, journal);
    });

    it('an aborted rollout with ops requests still running still counts their ends', async () => {
      const f = fleet({ ...change }); // its own spec object: the test sets abort on it
      await runRollout(f.announce, f.deps);
      (f.rollout.spec as { abort?: boolean }).abort = true;
      await runRollout(f.announce, f.deps);
      assert.equal(f.rollout.status?.phase, 'Aborted');
      f.members.get('c1')!.settle();
      await runRollout(outcome(f), f.deps, { ended: endedOf(f) });
      assert.equal(f.rollout.status?.targets.find((t) => t.cluster === 'c1')?.state, 'Succeeded');
    });

    it('a status written meanwhile by another look (409): re-reads and decides again, creating once', async () => {
      const f = fleet(change);
      const hub = await f.deps.hub('c1');
      let conflicts = 1;
      const deps: RolloutDeps = {
        ...f.deps,
        hub: async () => ({
          getRollout: (ns, name) => hub.getRollout(ns, name),
          writeRolloutStatus: async (r, status) => {
            if (conflicts-- > 0) throw new ConflictError('the object has been modified');
            return hub.writeRolloutStatus(r, status);
          },
        }),
      };
      await runRollout(f.announce, deps);
      assert.equal(f.rollout.status?.phase, 'Progressing');
      assert.equal(f.members.get('c1')!.ops.length + f.members.get('c2')!.ops.length, 4);
      assert.equal(f.journal.filter((j) => j.startsWith('create')).length, 4, 'each ops request created once');
    });
  });
});
