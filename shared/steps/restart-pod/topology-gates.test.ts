/**
 * The failover gate before a primary's restart, against an in-memory Sentinel-mode database (pods, replication,
 * sentinels) that behaves as the real ones do at the points the gate depends on. Prepare / act / assess; no I/O.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Redis, RedisOpsRequest } from '../../kubedb/types.ts';
import type { StepData } from '../../messages/step-message.ts';
import type { RedisTarget, StepDeps } from '../ports.ts';
import { silentLogger, type Logger } from '../../logging.ts';
import { InMemoryKube } from '../../../test/support/in-memory-kube.ts';
import { scriptedRedis, testWorld } from '../../../test/support/fake-ports.ts';
import { stepData } from '../../../test/support/messages.ts';
import { failoverIssuedAnnotation } from '../annotations.ts';
import { opsRequest } from '../../../test/support/objects.ts';
import { FAILOVER_RESEND_AFTER_MS } from '../timing.ts';
import { stepContext } from '../context.ts';
import { beforeEviction } from './topology-gates.ts';

interface Node {
  ip: string;
  role: 'master' | 'replica';
  follows?: string;
  offset: number;
}

/** A 3-pod Sentinel-mode Redis: rd-0 primary, rd-1 and rd-2 replicas; `announce` picks IPs or KubeDB's hostnames. */
class SentinelWorld {
  readonly calls: string[] = [];
  readonly nodes = new Map<string, Node>([
    ['rd-0', { ip: '10.0.0.10', role: 'master', offset: 100 }],
    ['rd-1', { ip: '10.0.0.11', role: 'replica', follows: 'rd-0', offset: 100 }],
    ['rd-2', { ip: '10.0.0.12', role: 'replica', follows: 'rd-0', offset: 100 }],
  ]);
  sentinelNames = 'rd-0';
  failoverInProgress = false;
  failoverAnswer: 'ok' | 'NOGOODSLAVE' | 'INPROG' = 'ok';
  now = new Date('2026-01-01T00:10:00Z');
  /** The cluster as the API server holds it: the pods, their secrets, the sentinel, the ops request. */
  readonly kube = new InMemoryKube();
  get ops(): RedisOpsRequest {
    return this.kube.opsRequest('demo', 'rdops-reconfigure');
  }
  readonly redis: Redis = {
    apiVersion: 'kubedb.com/v1',
    kind: 'Redis',
    metadata: { name: 'rd', namespace: 'demo' },
    spec: { version: '7.2.4', mode: 'Sentinel', replicas: 3, sentinelRef: { name: 'sen', namespace: 'demo' } },
  };

  private readonly announce: 'ip' | 'hostname';

  constructor(announce: 'ip' | 'hostname' = 'ip') {
    this.announce = announce;
    this.kube.addOpsRequest(opsRequest({ phase: 'Progressing', conditions: [] }));
    this.kube.addRedis(this.redis);
    for (const [name, n] of this.nodes)
      this.kube.addPod('demo', 'rd', {
        name,
        uid: `${name}-uid`,
        deleting: false,
        ready: true,
        podIP: n.ip,
        restartCount: 0,
      });
    this.kube.addRedisSentinel({
      apiVersion: 'kubedb.com/v1',
      kind: 'RedisSentinel',
      metadata: { name: 'sen', namespace: 'demo' },
      spec: { version: '7.2.4', replicas: 1 },
    });
    this.kube.addPod('demo', 'sen', {
      name: 'sen-0',
      uid: 'sen-0',
      deleting: false,
      ready: true,
      podIP: '10.0.9.1',
      restartCount: 0,
    });
    this.kube.addSecret('demo', 'rd-auth', { password: 'pw' });
    this.kube.addSecret('demo', 'sen-auth', { password: 'pw' });
  }

  address = (pod: string): string => (this.announce === 'ip' ? this.nodes.get(pod)!.ip : `${pod}.rd-pods.demo.svc`);
  private podAt = (ip: string): string => [...this.nodes].find(([, n]) => n.ip === ip)![0];

  /** What SENTINEL FAILOVER does: promote rd-1, move the other replicas to it; the old primary stays as it is. */
  private promote(): void {
    this.nodes.set('rd-1', { ...this.nodes.get('rd-1')!, role: 'master', follows: undefined });
    this.nodes.set('rd-2', { ...this.nodes.get('rd-2')!, follows: 'rd-1' });
    this.sentinelNames = 'rd-1';
  }

  private info(pod: string): string {
    const n = this.nodes.get(pod)!;
    if (n.role === 'master') return `role:master\r\nmaster_repl_offset:${n.offset}\r\n`;
    return `role:slave\r\nmaster_host:${this.address(n.follows!)}\r\nmaster_port:6379\r\nmaster_link_status:up\r\nmaster_repl_offset:${n.offset}\r\n`;
  }

  deps(): StepDeps {
    const redis = scriptedRedis({
      info: async (t: RedisTarget) => this.info(this.podAt(t.host)),
      sentinelPrimary: async () => ({ host: this.address(this.sentinelNames), port: 6379 }),
      sentinelFailover: async () => {
        this.calls.push('SENTINEL FAILOVER');
        if (this.failoverAnswer !== 'ok')
          throw new Error(`SENTINEL FAILOVER on 10.0.9.1:26379 failed: ${this.failoverAnswer} something`);
        this.promote();
      },
      sentinelFailoverInProgress: async () => this.failoverInProgress,
      pauseWrites: async (t: RedisTarget) => void this.calls.push(`PAUSE ${this.podAt(t.host)}`),
      resumeWrites: async (t: RedisTarget) => void this.calls.push(`UNPAUSE ${this.podAt(t.host)}`),
      replicaOf: async (t: RedisTarget, host: string) => {
        this.calls.push(`REPLICAOF ${this.podAt(t.host)} ${host}`);
        const pod = this.podAt(t.host);
        this.nodes.set(pod, { ...this.nodes.get(pod)!, role: 'replica', follows: 'rd-1' });
      },
    });
    const log: Logger = { ...silentLogger, warn: (m: string) => void this.calls.push(`warn ${m}`) };
    const { deps } = testWorld({ kube: this.kube, redis, log });
    return { ...deps, now: () => this.now };
  }
}

const data = (w: SentinelWorld, attempt: number): StepData =>
  stepData('restart-pod', w.ops, { pod: 'rd-0', phase: 'evict', attempt });

const gate = (w: SentinelWorld, attempt = 0) =>
  beforeEviction(stepContext(data(w, attempt), w.ops, w.deps()), w.redis, 'rd-0');

void describe('beforeEviction: Sentinel hand-over of the primary', () => {
  void it("pauses the primary's writes, then fails over, and records when", async () => {
    const w = new SentinelWorld();
    const result = await gate(w);
    assert.equal(result.kind, 'wait');
    assert.deepEqual(w.calls, ['PAUSE rd-0', 'SENTINEL FAILOVER']);
    assert.ok(w.ops.status?.conditions?.some((c) => c.type === 'FailoverPrimary--rd-0'));
    assert.equal(w.ops.metadata.annotations?.[failoverIssuedAnnotation('rd-0')], w.now.toISOString());
  });

  void it('demotes the old primary once the sentinels name another, even with no replica following it any more', async () => {
    const w = new SentinelWorld();
    await gate(w);
    w.calls.length = 0;
    // The sentinels moved rd-2 to rd-1 already: nobody replicates rd-0, which still says it is master.
    const result = await gate(w, 1);
    assert.equal(result.kind, 'wait');
    assert.deepEqual(w.calls, ['REPLICAOF rd-0 10.0.0.11', 'UNPAUSE rd-0']);
    assert.equal(w.nodes.get('rd-0')?.role, 'replica');
    const next = await gate(w, 2);
    assert.equal(next.kind, 'go', 'a demoted, healthy topology lets the old primary restart');
    assert.equal(next.kind === 'go' ? next.primary?.name : undefined, 'rd-1', 'restarted as a replica of rd-1');
  });

  void it('works with the hostnames KubeDB announces, and never makes a pod a replica of itself', async () => {
    const w = new SentinelWorld('hostname');
    w.failoverAnswer = 'INPROG';
    w.failoverInProgress = true;
    await gate(w); // INPROG counts as started: the failover is under way
    w.calls.length = 0;
    const result = await gate(w, 1); // sentinels still name rd-0 (by hostname)
    assert.equal(result.kind, 'wait');
    assert.deepEqual(
      w.calls,
      ['PAUSE rd-0'],
      'the pause is extended while the sentinels fail over, no REPLICAOF to itself',
    );
  });

  void it('waits, with the pause held, until every replica has caught up', async () => {
    const w = new SentinelWorld();
    w.nodes.get('rd-2')!.offset = 90;
    const result = await gate(w);
    assert.deepEqual(result, { kind: 'wait', why: 'replicas catching up with the paused primary: rd-2 at 90 of 100' });
    assert.deepEqual(w.calls, ['PAUSE rd-0']);
  });

  void it('resumes writes at once when the sentinels refuse (NOGOODSLAVE) and records nothing', async () => {
    const w = new SentinelWorld();
    w.failoverAnswer = 'NOGOODSLAVE';
    const result = await gate(w);
    assert.equal(result.kind, 'wait');
    assert.deepEqual(w.calls, ['PAUSE rd-0', 'SENTINEL FAILOVER', 'UNPAUSE rd-0']);
    assert.equal(w.ops.status?.conditions?.length ?? 0, 0);
  });

  void it('re-sends a failover only long after the last one and when none is under way — never because of an attempt count', async () => {
    const w = new SentinelWorld();
    w.failoverAnswer = 'INPROG';
    w.failoverInProgress = true;
    await gate(w);
    w.failoverInProgress = false; // the sentinels gave up
    w.calls.length = 0;
    for (const attempt of [4, 9, 14]) await gate(w, attempt);
    assert.ok(
      !w.calls.includes('SENTINEL FAILOVER'),
      `no re-send within ${FAILOVER_RESEND_AFTER_MS} ms: ${w.calls.join(', ')}`,
    );
    w.now = new Date(w.now.getTime() + FAILOVER_RESEND_AFTER_MS + 1000);
    w.failoverAnswer = 'ok';
    await gate(w, 15);
    assert.ok(w.calls.includes('SENTINEL FAILOVER'));
  });
});
