/**
 * The ACL calls of the Redis adapter and the shared/acl plans on real redis-server processes (7.0.x on PATH), with
 * KubeDB's documented ACL example: a pod loading the ACL secret's file at start shows the guide's ACL LIST lines, the
 * ops request's ACL SETUSER / DELUSER give what the plan expects, a pod started from the new file is identical to a
 * pod changed live, refusals carry the engine's words without passwords, and a captured state restores exactly.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { composeAclFile } from '../../../infra/local/controllers/kubelet/acl-file.ts';
import { PodIpAllocator } from '../../../infra/local/controllers/kubelet/ip-allocator.ts';
import { RedisProcess } from '../../../infra/local/controllers/kubelet/redis-process.ts';
import { AclCommandRefusedError } from '../../acl/errors.ts';
import { buildAclFile, planAclChange } from '../../acl/plan.ts';
import { captureAclUsers, restoreAclUsers, unrestoredUsers } from '../../acl/restore.ts';
import { sha256Hex } from '../../acl/rule.ts';
import { diffAclUsers, verifyAclPlan, verifyAclUser, type AclUserReply } from '../../acl/verify.ts';
import { UnavailableError } from '../../errors.ts';
import type { RedisTarget } from '../../steps/ports.ts';
import { RedisAdapter } from './redis-adapter.ts';

const OPERATOR_PASSWORD = 'operator-pw';
const RULES = ['userName1', 'userName2', 'userName3', 'userName4'].map(
  (u, i) => `${u} \${k${i + 1}} allkeys +@string +@set -SADD`,
);
const OLD = { name: 'demo/old-acl-secret', data: { k1: 'pass1', k2: 'pass2', k3: 'pass3', k4: 'pass4' } };
const NEW = { name: 'demo/new-acl-secret', data: { k1: 'updatePass1', k10: 'pass10' } };
const AUTH = {
  syncACL: ['userName1 ${k1} +get ~mykeys:*', 'userName10 ${k10} +get ~mykeys:*'],
  deleteUsers: ['userName2'],
};

void describe('Redis adapter ACL calls on redis-server', async () => {
  const root = await mkdtemp(join(tmpdir(), 'acl-adapter-'));
  const ips = new PodIpAllocator();
  const procs: RedisProcess[] = [];
  const adapter = new RedisAdapter();
  after(async () => {
    await Promise.all(procs.map((p) => p.stop(2000)));
    await rm(root, { recursive: true, force: true });
  });

  /** A pod's start, as the local kubelet does it: `--aclfile` built from the ACL secret's user_acl.conf. */
  async function startPod(name: string, userAclConf: string): Promise<RedisTarget> {
    const dir = join(root, name);
    const ip = await ips.allocate(name);
    await writeFile(`${dir}.acl`, composeAclFile(userAclConf, OPERATOR_PASSWORD));
    await writeFile(`${dir}.conf`, `dir ${root}\nsave ""\nappendonly no\n`);
    const proc = RedisProcess.start({
      configFile: `${dir}.conf`,
      args: ['--aclfile', `${dir}.acl`, '--requirepass', OPERATOR_PASSWORD, '--bind', ip, '--port', '6379'],
      cwd: root,
      logFile: `${dir}.log`,
    });
    procs.push(proc);
    assert.equal(await proc.waitReady(ip, 6379, OPERATOR_PASSWORD, { deadlineMs: 10_000, intervalMs: 20 }), true);
    return { host: ip, port: 6379, username: 'default', password: OPERATOR_PASSWORD };
  }

  const initial = buildAclFile(RULES, [OLD]);
  const plan = planAclChange({ rules: RULES, file: initial.file }, AUTH, [NEW, OLD]);
  let live: RedisTarget;
  before(async () => {
    live = await startPod('live', initial.file);
  });

  void it('a pod loading the ACL secret shows the ACL LIST lines of KubeDB guide', async () => {
    const lines = await adapter.aclList(live);
    assert.equal(lines[0], `user default on sanitize-payload #${sha256Hex(OPERATOR_PASSWORD)} ~* &* +@all`);
    assert.ok(
      lines.includes(
        `user userName1 on sanitize-payload #${sha256Hex('pass1')} ~* resetchannels -@all +@string +@set -sadd`,
      ),
      lines.join('\n'),
    );
    assert.equal(lines.length, 5);
    for (const u of initial.users)
      assert.deepEqual(verifyAclUser(u.user, u.expected, await adapter.aclGetUser(live, u.user)), []);
  });

  void it('applies the ops request live, restores it exactly, and re-applies it', async () => {
    const previous = captureAclUsers(await adapter.aclList(live), plan.affectedUsers);
    for (const s of plan.set) await adapter.aclSetUser(live, s.args);
    assert.equal(await adapter.aclDelUser(live, plan.delete), 1);
    const changed = new Map<string, AclUserReply | undefined>();
    for (const u of plan.affectedUsers) changed.set(u, await adapter.aclGetUser(live, u));
    assert.deepEqual(verifyAclPlan(plan, changed), []);
    assert.deepEqual(verifyAclPlan(plan, new Map([...changed, ['userName2', changed.get('userName1')]])), [
      'user userName2 still exists',
    ]);
    const lines = await adapter.aclList(live);
    assert.ok(
      lines.includes(
        `user userName1 on sanitize-payload #${sha256Hex('updatePass1')} ~mykeys:* resetchannels -@all +get`,
      ),
    );

    const undo = restoreAclUsers(previous);
    for (const s of undo.set) await adapter.aclSetUser(live, s.args);
    assert.equal(await adapter.aclDelUser(live, undo.delete), 1);
    assert.deepEqual(unrestoredUsers(previous, await adapter.aclList(live)), []);

    for (const s of plan.set) await adapter.aclSetUser(live, s.args);
    await adapter.aclDelUser(live, plan.delete);
  });

  void it('a pod started from the new ACL file equals the pod changed live, user by user', async () => {
    const restarted = await startPod('restarted', plan.file);
    for (const user of ['default', 'userName1', 'userName2', 'userName3', 'userName4', 'userName10']) {
      assert.deepEqual(
        diffAclUsers(user, await adapter.aclGetUser(live, user), await adapter.aclGetUser(restarted, user)),
        [],
      );
    }
  });

  void it('userName1 logs in with its new password and may GET but not SET outside its rules', async () => {
    const client = new Redis({
      host: live.host,
      port: 6379,
      username: 'userName1',
      password: 'updatePass1',
      enableReadyCheck: false, // INFO is outside userName1's rules
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      assert.equal(await client.get('mykeys:a'), null);
      await assert.rejects(client.set('mykeys:a', '1'), /NOPERM/);
      await assert.rejects(client.get('other'), /NOPERM/);
    } finally {
      client.disconnect();
    }
    await assert.rejects(
      adapter.aclList({ host: live.host, port: 6379, username: 'userName1', password: 'pass1' }),
      UnavailableError,
    );
  });

  void it('a refusal carries the engine message, with a possible password redacted', async () => {
    await assert.rejects(adapter.aclSetUser(live, ['u', 'reset', '+nosuchcmd']), (e: unknown) => {
      assert.ok(e instanceof AclCommandRefusedError);
      assert.equal(e.reason, 'ACLRefusedByRedis');
      assert.match(e.message, /ACL SETUSER u refused by Redis: .*'\+nosuchcmd'.*Unknown command or category name/);
      return true;
    });
    await assert.rejects(adapter.aclSetUser(live, ['u', 'reset', 'hunter2']), (e: unknown) => {
      assert.ok(e instanceof AclCommandRefusedError && /<redacted>.*Syntax error/.test(e.message), String(e));
      assert.ok(!e.message.includes('hunter2'));
      return true;
    });
    assert.equal(await adapter.aclGetUser(live, 'u'), undefined);
    assert.equal(await adapter.aclDelUser(live, []), 0);
  });
});
