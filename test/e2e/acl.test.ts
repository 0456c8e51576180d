/**
 * ACL reconfiguration end to end on real redis-server pods (docs/adr/0012-acl-reconfigure.md), with KubeDB's
 * documented example applied unchanged (examples/acl/: a Cluster 3×2 Redis with spec.acl, its secret, the new secret,
 * the ops request): Successful without a restart; on every pod userName1 logs in with its new password and may GET
 * but not SET (nor read outside ~mykeys:*), userName10 exists, userName2 is gone; a restarted pod loads the same users
 * from the ACL secret. A placeholder with no key in the secret fails naming the key, with every pod's users unchanged
 * and the database resumed. `plan -f` of each request says first what the step then does (the ACL plan, or the same
 * Failed reason and message). A Redis with no ACL users before: the ACL change alone is live and a pod restarted after
 * the provisioner mounted the ACL secret loads it; with a rolling change it is refused; a rolling change rolled back
 * later keeps the ACL change. No password appears in any log line, condition, annotation, event or plan output.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { applyFile, applyObjects } from '../../infra/local/manifests.ts';
import { followOpsRequest } from '../../infra/local/ops-progress.ts';
import { PROJECT_ROOT } from '../../infra/local/serverless-config.ts';
import { waitFor } from '../../infra/local/wait.ts';
import { RedisAdapter } from '../../shared/adapters/redis/redis-adapter.ts';
import { PETSET_GROUP, PETSET_PLURAL, PETSET_VERSION } from '../../shared/kubedb/constants.ts';
import type { RedisOpsRequest } from '../../shared/kubedb/types.ts';
import type { RedisTarget } from '../../shared/steps/ports.ts';
import { parse } from 'yaml';
import {
  conditionTypes,
  createDatabase,
  getRedis,
  isPaused,
  podUid,
  startTestStack,
  waitDatabaseReady,
} from './harness.ts';
import { planCli, planFailure } from './live-apply-plan.ts';
import { asUser, conditionText, DB, filesUnder, mayRead, NS, podIps, secretData } from './acl-support.ts';
import type { PlanReport } from '../../cli/plan-view.ts';

const examples = join(PROJECT_ROOT, 'examples', 'acl');
const PASSWORDS = ['pass1', 'pass2', 'pass3', 'pass4', 'updatePass1', 'pass10'];

describe('ACL reconfigure (KubeDB example, Cluster 3×2)', { timeout: 900_000 }, () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let stderr = '';
  let restoreStderr: () => void = () => undefined;
  const seen: string[] = [];
  const redis = new RedisAdapter();
  let operator: { username?: string; password: string };

  const target = (ip: string): RedisTarget => ({ host: ip, port: 6379, ...operator });
  /** Every pod's ACL LIST (hashes, not passwords), by pod. */
  const aclLists = async (): Promise<Map<string, string[]>> => {
    const out = new Map<string, string[]>();
    for (const [pod, ip] of await podIps(stack.kubeConfig)) out.set(pod, (await redis.aclList(target(ip))).sort());
    return out;
  };
  const waitReady = () =>
    waitFor(
      `Redis ${NS}/${DB} Ready`,
      async () => ((await getRedis(stack.kubeConfig, NS, DB)).status?.phase === 'Ready' ? true : undefined),
      { timeoutMs: 240_000 },
    );
  const run = async (file: string | Record<string, unknown>, name: string): Promise<RedisOpsRequest> => {
    if (typeof file === 'string') await applyFile(stack.kubeConfig, join(examples, file));
    else await applyObjects(stack.kubeConfig, [file] as never);
    const ops = await followOpsRequest(stack.kubeConfig, NS, name, () => undefined, { timeoutMs: 300_000 });
    seen.push(conditionText(ops), JSON.stringify(ops.metadata.annotations ?? {}));
    return ops;
  };

  /** `plan -f` of KubeDB's example, as a user would first: what changes and where, and nothing changed. */
  const planExample = async (): Promise<void> => {
    const example = parse(await readFile(join(examples, '11-rd-ops.yaml'), 'utf8')) as { metadata: { name: string } };
    const planned = await planCli(stack, example, '-o', 'json');
    const text = await planCli(stack, example);
    seen.push(planned.out, planned.err, text.out, text.err);
    assert.equal(planned.code, 0, planned.err);
    const report = JSON.parse(planned.out) as PlanReport;
    assert.equal(report.path, 'none');
    assert.deepEqual(
      [report.acl?.added, report.acl?.updated, report.acl?.deleted, report.acl?.kept],
      [['userName10'], ['userName1'], ['userName2'], ['userName3', 'userName4']],
    );
    assert.equal(report.acl?.pods.length, 6);
    assert.match(report.acl?.pods[0]?.action ?? '', /canary/);
    assert.equal(report.acl?.pods[0]?.role, 'replica');
    assert.match(text.out, /ACL change \(configuration\.auth\), live before any configuration change, no restart/);
    assert.match(text.out, /persisted in secret redis-instance-acl-\w{6} \(user_acl\.conf\) and spec\.acl/);
  };

  before(async () => {
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (chunk: string | Uint8Array, ...rest: never[]) => {
      stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return write(chunk, ...rest);
    };
    restoreStderr = () => (process.stderr.write = write);
    stack = await startTestStack();
    for (const f of ['00-namespace.yaml', '01-old-acl-secret.yaml', '02-redis.yaml'])
      await applyFile(stack.kubeConfig, join(examples, f));
    await waitReady();
    const auth = await secretData(stack.kubeConfig, `${DB}-auth`);
    assert.ok(auth?.['password'], 'the auth secret exists');
    operator = { ...(auth['username'] ? { username: auth['username'] } : {}), password: auth['password'] };
  });
  after(async () => {
    restoreStderr();
    await stack?.cleanup();
  });

  it("KubeDB's example ops request: Successful, live on all 6 pods, users changed as the guide shows", async () => {
    const kc = stack.kubeConfig;
    const ips = await podIps(kc);
    assert.equal(ips.size, 6);
    for (const [pod, ip] of ips) {
      assert.ok(mayRead(await asUser(ip, 'userName2', 'pass2', ['GET', 'k'])), `${pod}: userName2 before`);
    }
    const podUids = async () =>
      new Map(
        (await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: NS })).items.map((p) => [
          p.metadata?.name,
          p.metadata?.uid,
        ]),
      );
    const uids = await podUids();
    await applyFile(kc, join(examples, '10-new-acl-secret.yaml'));
    await planExample();
    assert.deepEqual(await podUids(), uids, 'plan restarted nothing');
    const ops = await run('11-rd-ops.yaml', 'rdops');
    assert.equal(ops.status?.phase, 'Successful', conditionText(ops));
    const types = conditionTypes(ops);
    for (const t of ['UpdateAclSecret', 'AclAppliedLive', 'UpdatePetSets', 'RestartSkipped', 'Successful'])
      assert.ok(types.includes(t), `${t} in ${types.join()}`);
    assert.ok(!types.some((t) => t.startsWith('EvictPod--')), types.join());
    assert.match(conditionText(ops), /on 6 pod\(s\).*added userName10; updated userName1; deleted userName2/);

    assert.deepEqual(await podUids(), uids, 'no pod restarted');
    for (const [pod, ip] of await podIps(kc)) {
      assert.equal(await asUser(ip, 'userName1', 'updatePass1', ['PING']), 'NOPERM', `${pod}: only +get`);
      const get = await asUser(ip, 'userName1', 'updatePass1', ['GET', 'mykeys:a']);
      assert.ok(mayRead(get), `${pod}: userName1 may GET mykeys:* (${get})`);
      assert.equal(await asUser(ip, 'userName1', 'updatePass1', ['SET', 'mykeys:a', 'v']), 'NOPERM', pod);
      assert.equal(await asUser(ip, 'userName1', 'updatePass1', ['GET', 'other']), 'NOPERM', pod);
      assert.equal(await asUser(ip, 'userName1', 'pass1', ['GET', 'mykeys:a']), 'WRONGPASS', `${pod}: old password`);
      const get10 = await asUser(ip, 'userName10', 'pass10', ['GET', 'mykeys:a']);
      assert.ok(mayRead(get10), `${pod}: userName10 exists (${get10})`);
      assert.equal(await asUser(ip, 'userName2', 'pass2', ['PING']), 'WRONGPASS', `${pod}: userName2 is gone`);
      assert.equal(await redis.aclGetUser(target(ip), 'userName2'), undefined, pod);
      const set3 = await asUser(ip, 'userName3', 'pass3', ['SET', 'k', 'v']);
      assert.ok(set3 === 'OK' || set3 === 'MOVED', `${pod}: userName3 kept (${set3})`);
    }

    // Persisted as KubeDB's guide shows spec.acl, and in the operator's ACL secret (hashes only).
    const rd = await getRedis(kc, NS, DB);
    assert.deepEqual(rd.spec.acl, {
      rules: [
        'userName3 ${k3} allkeys +@string +@set -SADD',
        'userName4 ${k4} allkeys +@string +@set -SADD',
        'userName10 ${k10} +get ~mykeys:*',
        'userName1 ${k1} +get ~mykeys:*',
      ],
      secretRef: { name: 'new-acl-secret' },
    });
    assert.equal(isPaused(rd), false);
    const file = (await secretData(kc, `${DB}-acl-${rd.metadata.uid?.slice(-6)}`))?.['user_acl.conf'] ?? '';
    assert.deepEqual(
      file.split('\n').map((l) => l.split(' ')[1]),
      ['userName3', 'userName4', 'userName10', 'userName1', undefined],
    );
    seen.push(JSON.stringify(rd.metadata.annotations ?? {}));
  });

  it('a restarted pod loads the same users from the ACL secret', async () => {
    const kc = stack.kubeConfig;
    const pod = `${DB}-shard0-1`;
    const uid = (await kc.makeApiClient(CoreV1Api).readNamespacedPod({ namespace: NS, name: pod })).metadata?.uid;
    await kc.makeApiClient(CoreV1Api).deleteNamespacedPod({ namespace: NS, name: pod });
    const ip = await waitFor(
      `${pod} recreated and answering`,
      async () => {
        const p = await kc.makeApiClient(CoreV1Api).readNamespacedPod({ namespace: NS, name: pod });
        const ready = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
        if (p.metadata?.uid === uid || !ready || !p.status?.podIP) return undefined;
        return (await asUser(p.status.podIP, 'userName10', 'pass10', ['GET', 'other'])) === 'NOPERM'
          ? p.status.podIP
          : undefined;
      },
      { timeoutMs: 120_000 },
    );
    const get = await asUser(ip, 'userName1', 'updatePass1', ['GET', 'mykeys:a']);
    assert.ok(mayRead(get), `userName1 with its new password (${get})`);
    assert.equal(await asUser(ip, 'userName1', 'updatePass1', ['SET', 'mykeys:a', 'v']), 'NOPERM');
    assert.equal(await asUser(ip, 'userName2', 'pass2', ['PING']), 'WRONGPASS', 'userName2 is gone');
    await waitReady();
  });

  it('a placeholder with no key in the secret: Failed naming it, every pod unchanged, the database resumed', async () => {
    const kc = stack.kubeConfig;
    const before = await aclLists();
    const missingKey = {
      apiVersion: 'ops.kubedb.com/v1alpha1',
      kind: 'RedisOpsRequest',
      metadata: { name: 'rdops-missing-key', namespace: NS },
      spec: {
        type: 'Reconfigure',
        databaseRef: { name: DB },
        configuration: {
          auth: {
            syncACL: ['userName10 ${k10} +@all', 'userName11 ${k11} +get ~mykeys:*'],
            deleteUsers: ['userName3'],
            secretRef: { name: 'new-acl-secret' },
          },
        },
      },
    };
    // `plan -f` says so first: exit 1, with the reason and message the ops request ends Failed with.
    const planned = await planCli(stack, missingKey, '-o', 'json');
    seen.push(planned.out, planned.err);
    assert.equal(planned.code, 1, planned.out);
    const ops = await run(missingKey, 'rdops-missing-key');
    assert.equal(ops.status?.phase, 'Failed', conditionText(ops));
    const failed = ops.status?.conditions?.find((c) => c.type === 'Failed');
    assert.equal(failed?.status, 'False');
    assert.match(failed?.message ?? '', /userName11 refers to \$\{k11\}.*has no key k11/);
    assert.deepEqual(
      [planFailure(planned).reason, planFailure(planned).message],
      [failed?.reason, failed?.message],
      'plan said what the step did',
    );
    assert.deepEqual(await aclLists(), before, 'every pod has the users it had');
    const rd = await getRedis(kc, NS, DB);
    assert.equal(isPaused(rd), false, 'resumed');
    assert.equal(rd.spec.acl?.secretRef?.name, 'new-acl-secret');
    assert.equal(rd.spec.acl?.rules?.length, 4);
  });

  const combined = (name: string, conf: string, rule: string) => ({
    apiVersion: 'ops.kubedb.com/v1alpha1',
    kind: 'RedisOpsRequest',
    metadata: { name, namespace: NS },
    spec: {
      type: 'Reconfigure',
      databaseRef: { name: DB },
      configuration: {
        applyConfig: { 'redis.conf': conf },
        auth: { syncACL: [rule], secretRef: { name: 'new-acl-secret' } },
      },
    },
  });

  it('an ACL change with a live config change in one request: both on every pod, ACL first', async () => {
    const ops = await run(
      combined('rdops-acl-and-config', 'hz 25', 'userName20 ${k10} +get ~mykeys:*'),
      'rdops-acl-and-config',
    );
    assert.equal(ops.status?.phase, 'Successful', conditionText(ops));
    const types = conditionTypes(ops);
    assert.ok(types.indexOf('AclAppliedLive') < types.indexOf('ConfigAppliedLive'), types.join());
    for (const [pod, ip] of await podIps(stack.kubeConfig)) {
      assert.deepEqual(await redis.configGet(target(ip), ['hz']), { hz: '25' }, pod);
      assert.ok(mayRead(await asUser(ip, 'userName20', 'pass10', ['GET', 'mykeys:a'])), `${pod}: userName20`);
    }
  });

  it('with a config value the engine refuses: Failed, and the ACL change of the same request undone on every pod', async () => {
    const before = await aclLists();
    const acl = (await getRedis(stack.kubeConfig, NS, DB)).spec.acl;
    // Debian's redis-server is built without jemalloc's defrag support: CONFIG SET activedefrag yes is refused.
    const ops = await run(
      combined('rdops-acl-refused-config', 'activedefrag yes', 'userName21 ${k10} +get'),
      'rdops-acl-refused-config',
    );
    assert.equal(ops.status?.phase, 'Failed', conditionText(ops));
    const failed = ops.status?.conditions?.find((c) => c.type === 'Failed');
    assert.equal(failed?.reason, 'ConfigRefusedByEngine');
    assert.match(failed?.message ?? '', /the request's ACL change was undone too \(the users of 6 pod\(s\)/);
    assert.deepEqual(await aclLists(), before, 'every pod has the users it had');
    const rd = await getRedis(stack.kubeConfig, NS, DB);
    assert.deepEqual(rd.spec.acl, acl);
    assert.equal(isPaused(rd), false);
  });

  it('a Redis with no ACL users before: refused with a rolling change; alone, live on its pod and loaded by a pod restarted after the provisioner mounted the secret', async () => {
    const kc = stack.kubeConfig;
    const name = 'plain-redis';
    const pod = `${name}-0`;
    await createDatabase(kc, NS, name, 'maxclients 500\n');
    await waitDatabaseReady(kc, NS, name);
    const core = kc.makeApiClient(CoreV1Api);
    const auth = await secretData(kc, `${name}-auth`);
    const plainTarget = async (): Promise<RedisTarget> => {
      const ip = (await core.readNamespacedPod({ namespace: NS, name: pod })).status?.podIP ?? '';
      return {
        host: ip,
        port: 6379,
        password: auth?.['password'] ?? '',
        ...(auth?.['username'] ? { username: auth['username'] } : {}),
      };
    };
    const request = (opsName: string, applyConfig?: string) => ({
      apiVersion: 'ops.kubedb.com/v1alpha1',
      kind: 'RedisOpsRequest',
      metadata: { name: opsName, namespace: NS },
      spec: {
        type: 'Reconfigure',
        databaseRef: { name },
        configuration: {
          ...(applyConfig !== undefined ? { applyConfig: { 'redis.conf': applyConfig } } : {}),
          auth: { syncACL: ['appUser ${k10} +get ~app:*'], secretRef: { name: 'new-acl-secret' } },
        },
      },
    });

    const refused = await run(request('rdops-first-acl-rolling', 'databases 20'), 'rdops-first-acl-rolling');
    const failed = refused.status?.conditions?.find((c) => c.type === 'Failed');
    assert.equal(failed?.reason, 'ACLSecretNotMounted', conditionText(refused));
    assert.equal(await redis.aclGetUser(await plainTarget(), 'appUser'), undefined, 'nothing was changed');

    const uid = await podUid(kc, NS, pod);
    const ops = await run(request('rdops-first-acl'), 'rdops-first-acl');
    assert.equal(ops.status?.phase, 'Successful', conditionText(ops));
    assert.match(conditionText(ops), /no ACL users before: its pods load the secret at their next start/);
    assert.equal(await podUid(kc, NS, pod), uid, 'no restart');
    const ip = (await plainTarget()).host;
    assert.equal(await asUser(ip, 'appUser', 'pass10', ['GET', 'app:x']), '(nil)', 'live on the pod');
    assert.deepEqual((await getRedis(kc, NS, name)).spec.configuration?.acl?.rules, ['appUser ${k10} +get ~app:*']);

    // After resume the provisioner mounts the ACL secret in the pod template (OnDelete: existing pods keep theirs).
    const custom = kc.makeApiClient(CustomObjectsApi);
    await waitFor(
      'the ACL secret mounted in the PetSet template',
      async () => {
        const ps = (await custom.getNamespacedCustomObject({
          group: PETSET_GROUP,
          version: PETSET_VERSION,
          namespace: NS,
          plural: PETSET_PLURAL,
          name,
        })) as { spec?: { template?: { spec?: { volumes?: Array<{ secret?: { secretName?: string } }> } } } };
        const volumes = ps.spec?.template?.spec?.volumes ?? [];
        return volumes.some((v) => v.secret?.secretName?.startsWith(`${name}-acl-`)) ? true : undefined;
      },
      { timeoutMs: 60_000 },
    );
    await core.deleteNamespacedPod({ namespace: NS, name: pod });
    await waitFor(
      `${pod} recreated with appUser`,
      async () => {
        const p = await core.readNamespacedPod({ namespace: NS, name: pod });
        const ready = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
        if (p.metadata?.uid === uid || !ready || !p.status?.podIP) return undefined;
        return (await asUser(p.status.podIP, 'appUser', 'pass10', ['GET', 'app:x'])) === '(nil)' ? true : undefined;
      },
      { timeoutMs: 120_000 },
    );
  });

  it('a rolling config change rolled back by restart-pod keeps the ACL change of the same request, and says so', async () => {
    const kc = stack.kubeConfig;
    const name = 'plain-redis'; // has ACL users now (the test above), its pod mounts the ACL secret
    // maxclients above any open-file limit: redis-server starts with a lower one, restart-pod rolls the config back.
    const ops = await run(
      {
        apiVersion: 'ops.kubedb.com/v1alpha1',
        kind: 'RedisOpsRequest',
        metadata: { name: 'rdops-acl-rolled-back', namespace: NS },
        spec: {
          type: 'Reconfigure',
          databaseRef: { name },
          configuration: {
            applyConfig: { 'redis.conf': 'maxclients 10000000' },
            restart: 'true',
            auth: { syncACL: ['appUser2 ${k10} +get ~app:*'], secretRef: { name: 'new-acl-secret' } },
          },
        },
      },
      'rdops-acl-rolled-back',
    );
    assert.equal(ops.status?.phase, 'Failed', conditionText(ops));
    const failed = ops.status?.conditions?.find((c) => c.type === 'Failed');
    assert.equal(failed?.reason, 'RolledBack');
    assert.match(failed?.message ?? '', /the request's ACL change is kept \(applied and checked live on every pod/);
    await waitDatabaseReady(kc, NS, name);
    const p = await kc.makeApiClient(CoreV1Api).readNamespacedPod({ namespace: NS, name: `${name}-0` });
    const ip = p.status?.podIP ?? '';
    assert.equal(await asUser(ip, 'appUser2', 'pass10', ['GET', 'app:x']), '(nil)', 'the restarted pod has the user');
    const rd = await getRedis(kc, NS, name);
    assert.ok(rd.spec.configuration?.acl?.rules?.includes('appUser2 ${k10} +get ~app:*'), 'the ACL stays persisted');
    assert.equal(isPaused(rd), false);
  });

  it('no password in any log line, condition, annotation or event of these runs', async () => {
    const operatorPassword = operator.password;
    const logs = await filesUnder(stack.stateDir);
    assert.ok(
      logs.some((f) => f.includes(join('logs', 'apply-config'))),
      `function logs found: ${logs.join()}`,
    );
    const events = await stack.kubeConfig.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: NS });
    const haystacks: Array<[string, string]> = [
      ['controller stderr', stderr],
      ['conditions and annotations', seen.join('\n')],
      ['events', events.items.map((e) => `${e.reason ?? ''} ${e.message ?? ''}`).join('\n')],
    ];
    for (const f of logs) haystacks.push([f, await readFile(f, 'utf8')]);
    assert.ok(haystacks[2]![1].includes('UpdateAclSecret'), 'the ACL events were recorded');
    for (const [where, text] of haystacks)
      for (const s of [...PASSWORDS, operatorPassword])
        assert.ok(!text.includes(s), `a password (${s.length} chars) appears in ${where}`);
  });
});
