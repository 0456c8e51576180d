/**
 * apply-config's ACL part on in-memory ports (3 pods of a Sentinel-mode Redis: 2 replicas, then the primary): the
 * order canary → persist → the others; a later pod refusing restores the pods already changed and the persisted ACL;
 * the canary refusing persists nothing; a refused live config undoes the ACL change of the same request; a redelivered
 * step plans from the saved snapshot (same rules, same order). Messages never carry a password.
 * The ACL semantics themselves are checked on real redis-server (shared/adapters/redis/redis-adapter-acl.test.ts).
 * The ports are test/support's typed fakes (InMemoryKube, scriptedRedis + aclPods): a step calling a method they
 * lack fails to compile.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AclCommandRefusedError } from '../../acl/errors.ts';
import type { RedisAclSpec } from '../../acl/plan.ts';
import { OpsRequestFailedError, RedisCommandRefusedError } from '../../errors.ts';
import type { Redis, RedisOpsRequest } from '../../kubedb/types.ts';
import type { LogFields, Logger } from '../../logging.ts';
import type { Step, StepDataInput } from '../../messages/step-message.ts';
import type { EventInput, OwnerRef } from '../ports.ts';
import { aclPods } from '../../../test/support/acl-pods.ts';
import { RecordingQueue, scriptedRedis, testWorld } from '../../../test/support/fake-ports.ts';
import { InMemoryKube } from '../../../test/support/in-memory-kube.ts';
import { stepData } from '../../../test/support/messages.ts';
import { opsRequest, redis, trueCondition } from '../../../test/support/objects.ts';
import { runApplyConfig } from './apply-config-step.ts';

const PODS = ['sample-redis-0', 'sample-redis-1', 'sample-redis-2'];
const ipOf = (pod: string) => `127.10.0.${PODS.indexOf(pod) + 2}`;
const podOf = (ip: string) => PODS[Number(ip.split('.')[3]) - 2]!;
const OLD_RULES = ['app ${k1} allkeys +@read', 'gone ${k2} allkeys +@read', 'kept ${k3} ~k:* +get'];
const OLD = { k1: 'old-pass-1', k2: 'old-pass-2', k3: 'old-pass-3' };
const NEW = { k1: 'new-pass-1', k9: 'new-pass-9' };
const PASSWORDS = [...Object.values(OLD), ...Object.values(NEW), 'operator-pw'];

interface Options {
  /** A pod refusing ACL SETUSER. */
  refuseOn?: string;
  /** A pod whose ACL GETUSER is a bug (a plain Error: the step is retried). */
  crashOn?: string;
  applyConfig?: string;
  /** The engine refuses CONFIG SET. */
  refuseConfig?: boolean;
  /** Another configuration.auth than the default one. */
  auth?: { syncACL?: string[]; deleteUsers?: string[]; secretRef?: { name: string } };
  /** The Redis has no ACL users (no spec.acl, no ACL secret, no users on the pods). */
  noAclBefore?: boolean;
}

/** The in-memory KubePort, with the writes this test orders and reads recorded in its log (the rest is the fake's). */
class RecordingKube extends InMemoryKube {
  readonly #log: string[];
  constructor(log: string[]) {
    super();
    this.#log = log;
  }
  override async putSecret(
    namespace: string,
    name: string,
    data: Record<string, string>,
    meta: { annotations?: Record<string, string>; labels?: Record<string, string>; owner?: OwnerRef },
  ): Promise<void> {
    this.#log.push(`putSecret ${name} ${Object.keys(data).join(',')}`);
    return super.putSecret(namespace, name, data, meta);
  }
  override async writeRedisAcl(
    r: Redis,
    field: 'spec.acl' | 'spec.configuration.acl',
    acl: RedisAclSpec | null,
  ): Promise<Redis> {
    this.#log.push(`writeRedisAcl ${field} ${JSON.stringify(acl)}`);
    return super.writeRedisAcl(r, field, acl);
  }
  override async writeRedisConfiguration(
    r: Redis,
    c: { secretName?: string; inline?: Record<string, string> },
  ): Promise<Redis> {
    this.#log.push(`configuration ${JSON.stringify(c)}`);
    return super.writeRedisConfiguration(r, c);
  }
  override async recordEvent(o: RedisOpsRequest, e: EventInput): Promise<void> {
    this.#log.push(`event ${e.reason} ${e.message}`);
    return super.recordEvent(o, e);
  }
}

function recordingLogger(log: string[]): Logger {
  const line = (m: string, f?: LogFields) => void log.push(`log ${m} ${JSON.stringify(f ?? {})}`);
  const logger: Logger = { debug: line, info: line, warn: line, error: line, child: () => logger };
  return logger;
}

/** ACL SETUSER args per user per pod (test/support/acl-pods.ts); the Redis, its secrets and pods in InMemoryKube. */
function world(opts: Options = {}) {
  const log: string[] = [];
  const kube = new RecordingKube(log);
  for (const name of PODS) {
    kube.addPod('demo', 'sample-redis', {
      name,
      uid: `uid-${name}`,
      deleting: false,
      ready: true,
      podIP: ipOf(name),
      restartCount: 0,
    });
  }
  kube.addPetSet('demo', 'sample-redis', 'sample-redis');
  kube.addSecret('demo', 'sample-redis-auth', { username: 'default', password: 'operator-pw' });
  kube.addSecret('demo', 'old-acl', OLD);
  kube.addSecret('demo', 'new-acl', NEW);
  if (opts.noAclBefore !== true) {
    kube.addSecret('demo', 'sample-redis-acl-123456', {
      'user_acl.conf': 'user app reset on #aa allkeys +@read\nuser gone reset on #bb allkeys +@read\nuser kept x\n',
    });
  }
  kube.addSecret('demo', 'sample-redis-123456', { 'default.conf': 'maxclients 500\n' });
  kube.addSecret('demo', 'user-config', { 'redis.conf': 'maxclients 500\n' });
  kube.addRedisVersion({ name: '7.2.4', distribution: 'Official', version: '7.2.4' });
  kube.addRedis(
    redis({
      spec: {
        version: '7.2.4',
        mode: 'Sentinel',
        configuration: { secretName: 'user-config' },
        ...(opts.noAclBefore === true ? {} : { acl: { rules: OLD_RULES, secretRef: { name: 'old-acl' } } }),
      },
    }),
  );
  const auth = opts.auth ?? {
    syncACL: ['app ${k1} ~app:* +get', 'new ${k9} +@all'],
    deleteUsers: ['gone'],
    secretRef: { name: 'new-acl' },
  };
  const ops = kube.addOpsRequest(
    opsRequest({
      phase: 'Progressing',
      conditions: [trueCondition('Reconfigure'), trueCondition('DatabasePauseSucceeded')],
      spec: {
        configuration: {
          auth,
          ...(opts.applyConfig !== undefined ? { applyConfig: { 'redis.conf': opts.applyConfig } } : {}),
        },
      },
    }),
  );
  const acl = aclPods(
    PODS,
    podOf,
    opts.noAclBefore === true
      ? []
      : [
          ['app', 'reset', 'on', '#aa', 'allkeys', '+@read'],
          ['gone', 'reset', 'on', '#bb', 'allkeys', '+@read'],
        ],
    {
      record: (l) => log.push(l),
      beforeSetUser: (pod, args) => {
        if (pod === opts.refuseOn && args.includes('+@all')) {
          throw new AclCommandRefusedError('ACL SETUSER', args[0], "ERR Error in ACL SETUSER modifier '+@all': nope");
        }
      },
      beforeGetUser: (pod) => {
        if (pod === opts.crashOn) throw new Error('bug');
      },
    },
  );
  const queue = new (class extends RecordingQueue {
    override async send(step: Step, d: StepDataInput, delaySeconds?: number): Promise<void> {
      log.push(`send ${step} ${JSON.stringify(d.outcome)}`);
      return super.send(step, d, delaySeconds);
    }
  })();
  const { deps } = testWorld({
    kube,
    queue,
    log: recordingLogger(log),
    redis: scriptedRedis({
      ...acl.port,
      info: async (t) =>
        podOf(t.host) === 'sample-redis-0'
          ? 'role:master\n'
          : `role:slave\nmaster_host:${ipOf('sample-redis-0')}\nmaster_link_status:up\n`,
      configSet: async (t, args) => {
        if (opts.refuseConfig === true && args[1] !== '500')
          throw new RedisCommandRefusedError(`CONFIG SET refused by ${t.host}:6379: ERR invalid maxclients`);
        log.push(`configset ${podOf(t.host)} ${args.join(' ')}`);
      },
      configGet: async () => ({ maxclients: '600' }),
    }),
  });
  const data = stepData('apply-config', ops);
  const secrets = {
    get: (name: string) => kube.secrets.get(`demo/${name}`),
  };
  return {
    log,
    deps,
    data,
    ops: () => kube.opsRequest('demo', 'rdops-reconfigure'),
    db: () => kube.redis('demo', 'sample-redis'),
    secrets,
    lists: () => acl.lists(),
  };
}

const conditions = (ops: RedisOpsRequest) => (ops.status?.conditions ?? []).map((c) => `${c.type}: ${c.message}`);
const noPasswords = (texts: string[]) => {
  for (const t of texts) for (const p of PASSWORDS) assert.ok(!t.includes(p), `a password appears in: ${t}`);
};

async function failure(run: Promise<void>): Promise<OpsRequestFailedError> {
  try {
    await run;
  } catch (err) {
    assert.ok(err instanceof OpsRequestFailedError, String(err));
    return err;
  }
  assert.fail('expected the step to fail');
}

void describe('apply-config: ACL change on every pod', () => {
  void it('ACL only: canary (a replica) → persist → the others, checked; no restart, resume Successful', async () => {
    const w = world();
    await runApplyConfig(w.data, w.deps);
    const order = w.log.filter((l) => /^(setuser|deluser|putSecret sample-redis-acl|writeRedisAcl)/.test(l));
    assert.deepEqual(order, [
      'setuser sample-redis-1 app',
      'setuser sample-redis-1 new',
      'deluser sample-redis-1 gone',
      'putSecret sample-redis-acl-123456 user_acl.conf',
      'writeRedisAcl spec.acl {"rules":["kept ${k3} ~k:* +get","new ${k9} +@all","app ${k1} ~app:* +get"],"secretRef":{"name":"new-acl"}}',
      'setuser sample-redis-2 app',
      'setuser sample-redis-2 new',
      'deluser sample-redis-2 gone',
      'setuser sample-redis-0 app',
      'setuser sample-redis-0 new',
      'deluser sample-redis-0 gone',
    ]);
    const file = w.secrets.get('sample-redis-acl-123456')?.data['user_acl.conf'] ?? '';
    assert.deepEqual(
      file.split('\n').map((l) => l.split(' ')[1]),
      ['kept', 'new', 'app', undefined],
    );
    assert.match(w.log.at(-1) ?? '', /^send resume \{"status":"Successful"/);
    const types = conditions(w.ops());
    assert.ok(types.some((c) => /^UpdateAclSecret: ACL users persisted in secret sample-redis-acl-123456/.test(c)));
    assert.ok(types.some((c) => /^AclAppliedLive: .* on 3 pod\(s\).*added new; updated app; deleted gone/.test(c)));
    assert.ok(types.some((c) => c.startsWith('RestartSkipped: ACL users changed live on 3 pod(s)')));
    assert.ok(types.some((c) => c.startsWith('UpdatePetSets')));
    noPasswords([...w.log, ...types]);
  });

  void it('a later pod refusing: the pods already changed get their users back, the previous ACL is persisted again', async () => {
    const w = world({ refuseOn: 'sample-redis-0' });
    const before = w.lists();
    const fileBefore = w.secrets.get('sample-redis-acl-123456')?.data['user_acl.conf'];
    const err = await failure(runApplyConfig(w.data, w.deps));
    assert.equal(err.reason, 'RolledBack');
    assert.match(
      err.message,
      /^pod sample-redis-0: ACL SETUSER new refused by Redis: .*'\+@all'.*; the pods already changed \(sample-redis-1, sample-redis-2\) got their users back/,
    );
    assert.deepEqual(w.lists(), before);
    assert.equal(w.secrets.get('sample-redis-acl-123456')?.data['user_acl.conf'], fileBefore);
    assert.deepEqual(w.db().spec.acl, { rules: OLD_RULES, secretRef: { name: 'old-acl' } });
    noPasswords([...w.log, err.message]);
  });

  void it('the canary refusing: it gets its users back, nothing persisted', async () => {
    const w = world({ refuseOn: 'sample-redis-1' });
    const before = w.lists();
    const err = await failure(runApplyConfig(w.data, w.deps));
    assert.equal(err.reason, 'ACLRefusedByRedis');
    assert.match(
      err.message,
      /^pod sample-redis-1 \(the canary\): ACL SETUSER new refused by Redis.*nothing was persisted/,
    );
    assert.deepEqual(w.lists(), before);
    assert.ok(!w.log.some((l) => l.startsWith('writeRedisAcl') || l.startsWith('putSecret sample-redis-acl')));
  });

  for (const [what, auth, reason, message] of [
    [
      'a rule for the operator user',
      { syncACL: ['default ${k1} +@all'] },
      'ACLProtectedUser',
      /default is the operator's own user/,
    ],
    [
      'deleting the operator user',
      { deleteUsers: ['default'] },
      'ACLProtectedUser',
      /deleting ACL user default refused/,
    ],
    [
      'a malformed rule',
      { syncACL: ['app ${k1} +get ~x:* bogus'] },
      'InvalidACLRule',
      /word 5 of the ACL rule for user app is refused/,
    ],
    [
      'a missing key',
      { syncACL: ['app ${k7} +get'], secretRef: { name: 'new-acl' } },
      'ACLSecretKeyNotFound',
      /refers to \$\{k7\}, but secret demo\/new-acl, demo\/old-acl has no key k7/,
    ],
    [
      'a missing secretRef secret',
      { syncACL: ['app ${k1} +get'], secretRef: { name: 'nope' } },
      'ACLSecretNotFound',
      /ACL secret demo\/nope \(auth.secretRef\) not found/,
    ],
  ] as Array<[string, Options['auth'], string, RegExp]>) {
    void it(`${what}: Failed (${reason}) before anything is touched`, async () => {
      const w = world({ auth });
      const err = await failure(runApplyConfig(w.data, w.deps));
      assert.equal(err.reason, reason);
      assert.match(err.message, message);
      assert.ok(!w.log.some((l) => /^(setuser|deluser|putSecret|writeRedisAcl)/.test(l)), w.log.join('\n'));
      noPasswords([err.message]);
    });
  }

  void it('with a live config change the engine refuses: the ACL change is undone too', async () => {
    const w = world({ applyConfig: 'maxclients 600', refuseConfig: true });
    const before = w.lists();
    const err = await failure(runApplyConfig(w.data, w.deps));
    assert.equal(err.reason, 'ConfigRefusedByEngine');
    assert.match(err.message, /the request's ACL change was undone too \(the users of 3 pod\(s\)/);
    assert.deepEqual(w.lists(), before);
    assert.deepEqual(w.db().spec.acl, { rules: OLD_RULES, secretRef: { name: 'old-acl' } });
  });

  void it('with a live config change accepted: ACL first, then the config; both recorded', async () => {
    const w = world({ applyConfig: 'maxclients 600' });
    await runApplyConfig(w.data, w.deps);
    const firstConfig = w.log.findIndex((l) => l.startsWith('configset'));
    const lastAcl = w.log.findLastIndex((l) => l.startsWith('deluser'));
    assert.ok(lastAcl < firstConfig, w.log.join('\n'));
    const types = conditions(w.ops()).map((c) => c.split(':')[0]);
    for (const t of ['UpdateAclSecret', 'AclAppliedLive', 'patchedSecret', 'ConfigAppliedLive', 'UpdatePetSets'])
      assert.ok(types.includes(t), `${t} in ${types.join()}`);
  });

  void it('redelivered after a crash midway: plans from the saved snapshot, same rules in the same order', async () => {
    const opts: Options = { crashOn: 'sample-redis-0' };
    const w = world(opts);
    await assert.rejects(runApplyConfig(w.data, w.deps), /bug/);
    const first = w.log.filter((l) => l.startsWith('writeRedisAcl'));
    assert.equal(first.length, 1, 'persisted after the canary, before the crash');
    delete opts.crashOn; // the redelivered message finds the Redis and the ACL secret already updated
    await runApplyConfig(w.data, w.deps);
    assert.deepEqual(
      w.log.filter((l) => l.startsWith('writeRedisAcl')),
      [first[0], first[0]],
    );
    assert.equal(
      w.ops().status?.conditions?.some((c) => c.type === 'AclAppliedLive'),
      true,
    );
  });
  void it('a Redis with no ACL users before: live on every pod, spec.configuration.acl and the ACL secret written, the message says when pods load it', async () => {
    const w = world({
      noAclBefore: true,
      auth: { syncACL: ['app ${k1} ~app:* +get'], secretRef: { name: 'new-acl' } },
    });
    await runApplyConfig(w.data, w.deps);
    for (const list of w.lists().values())
      assert.deepEqual(
        list.map((l) => l.split(' ')[1]),
        ['app'],
      );
    assert.deepEqual(w.db().spec.configuration?.acl, {
      rules: ['app ${k1} ~app:* +get'],
      secretRef: { name: 'new-acl' },
    });
    assert.match(w.secrets.get('sample-redis-acl-123456')?.data['user_acl.conf'] ?? '', /^user app reset on #/);
    const persisted = conditions(w.ops()).find((c) => c.startsWith('UpdateAclSecret'));
    assert.match(
      persisted ?? '',
      /no ACL users before: its pods load the secret at their next start once the provisioner has mounted it/,
    );
    assert.match(w.log.at(-1) ?? '', /^send resume \{"status":"Successful"/);
  });

  void it('a Redis with no ACL users before, with a rolling config change: Failed (ACLSecretNotMounted) before anything is touched', async () => {
    const w = world({
      noAclBefore: true,
      applyConfig: 'databases 32',
      auth: { syncACL: ['app ${k1} ~app:* +get'], secretRef: { name: 'new-acl' } },
    });
    const err = await failure(runApplyConfig(w.data, w.deps));
    assert.equal(err.reason, 'ACLSecretNotMounted');
    assert.match(err.message, /has no ACL users yet, so its pods do not mount the ACL secret sample-redis-acl-123456/);
    assert.ok(!w.log.some((l) => /^(setuser|deluser|putSecret|writeRedisAcl|configuration)/.test(l)), w.log.join('\n'));
  });

  void it('a Redis with ACL users already, with a rolling config change: the ACL change first, then the roll is planned', async () => {
    const w = world({ applyConfig: 'databases 32' });
    await runApplyConfig(w.data, w.deps);
    assert.ok(w.log.some((l) => l.startsWith('setuser')));
    assert.match(w.log.at(-1) ?? '', /^send restart-pod/);
  });
});
