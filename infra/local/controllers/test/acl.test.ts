/**
 * ACL users in the local simulator, on real redis-server processes, with KubeDB's ACL example applied unchanged
 * (docs/examples/redis/reconfigure/acl: Redis 8.2.2, Cluster 3×2, `spec.acl` with old-acl-secret):
 * - the provisioner creates the operator's ACL secret `<redis>-acl-<uid[-6:]>` (user_acl.conf, hashes only) from the
 *   rules + secretRef, and every pod loads it at start: userName1..4 + default on every pod, as the guide lists them;
 * - a restarted pod has the secret's users, whatever was changed live before (the file is rebuilt at each start);
 * - once the ACL secret and the Redis's rules are changed as an ops request persists them (shared/acl
 *   planAclChange), the provisioner keeps them (no re-seeding from the new secretRef, which lacks `${k3}`), and a
 *   restarted pod comes back with the new users;
 * - a Redis whose ACL secretRef is missing reports it and gets no PetSet until the secret exists.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import YAML from 'yaml';
import { ACL_SECRET_KEY, aclSecretName, parseAclFile } from '../../../../shared/acl/acl-file.ts';
import { planAclChange } from '../../../../shared/acl/plan.ts';
import { sha256Hex } from '../../../../shared/acl/rule.ts';
import { mergePatch } from '../runtime/kube.ts';
import { podNames } from '../names.ts';
import type { Redis } from '../../../../shared/kubedb/types.ts';
import { KUBEDB_EXAMPLES } from '../../../../test/shared-reference.ts';
import { getRedis, readSecretKey, redisRef, startLocalCluster, waitFor, type LocalCluster } from './harness.ts';
import { applyObject, cmd, evict, ipOf, replaced, waitPhase } from './topology-harness.ts';

const DIR = join(KUBEDB_EXAMPLES, 'reconfigure', 'acl');
const example = (file: string): Record<string, unknown> =>
  YAML.parse(readFileSync(join(DIR, file), 'utf8')) as Record<string, unknown>;
const NS = 'demo';
const NAME = 'redis-instance';
const USERS = ['default', 'userName1', 'userName2', 'userName3', 'userName4'];

const aclUsers = (lines: string[]): string[] => lines.map((l) => l.split(' ')[1]!).sort();

void describe("controllers: KubeDB's ACL example (Cluster 3×2, spec.acl)", () => {
  let c: LocalCluster;
  let password = '';
  let redis: Redis;
  const aclList = async (pod: string): Promise<string[]> =>
    (await cmd(await ipOf(c.apis, NS, pod), 6379, password, 'ACL', 'LIST')) as string[];

  before(async () => {
    c = await startLocalCluster();
    await c.apis.core.createNamespace({ body: { metadata: { name: NS } } });
    await c.apis.core.createNamespacedSecret({ namespace: NS, body: example('old-acl-secret.yaml') });
    await applyObject(c.apis, example('redis.yaml'));
  });
  after(async () => {
    await c.stop();
  });

  void it('comes up Ready with userName1..4 + default on every pod, as the guide lists them', async () => {
    await waitPhase(c.apis, NS, NAME, 'Ready', 120_000);
    redis = await getRedis(c.apis, NS, NAME);
    password = (await readSecretKey(c.apis, NS, `${NAME}-auth`, 'password'))!;
    const file = (await readSecretKey(c.apis, NS, aclSecretName(NAME, redis.metadata.uid!), ACL_SECRET_KEY))!;
    assert.deepEqual(
      parseAclFile(file).map((e) => e.user),
      USERS.slice(1),
    );
    for (const pw of ['pass1', 'pass2', 'pass3', 'pass4']) assert.ok(!file.includes(pw), 'no clear-text password');
    const guideLine = `user userName1 on sanitize-payload #${sha256Hex('pass1')} ~* resetchannels -@all +@string +@set -sadd`;
    for (const pod of podNames(redis)) {
      const lines = await aclList(pod);
      assert.deepEqual(aclUsers(lines), USERS, pod);
      assert.ok(lines.includes(guideLine), `${pod}: ${lines.join(' | ')}`);
      assert.equal(await cmd(await ipOf(c.apis, NS, pod), 6379, password, 'AUTH', 'userName3', 'pass3'), 'OK');
    }
  });

  void it('a restarted pod has the users of the secret, whatever was changed live', async () => {
    const pod = `${NAME}-shard1-1`;
    await cmd(await ipOf(c.apis, NS, pod), 6379, password, 'ACL', 'DELUSER', 'userName3');
    assert.deepEqual(
      aclUsers(await aclList(pod)),
      USERS.filter((u) => u !== 'userName3'),
    );
    await replaced(c.apis, NS, pod, await evict(c.apis, NS, pod));
    assert.deepEqual(aclUsers(await aclList(pod)), USERS);
  });

  void it('keeps the ACL secret and rules an ops request persisted; a restarted pod loads the new users', async () => {
    const secret = aclSecretName(NAME, redis.metadata.uid!);
    await c.apis.core.createNamespacedSecret({ namespace: NS, body: example('new-acl-secret.yaml') });
    const decoded = (name: string, data: Record<string, string>) => ({ name: `${NS}/${name}`, data });
    const ops = example('rd-ops.yaml') as { spec: { configuration: { auth: Record<string, string[]> } } };
    const newData = (example('new-acl-secret.yaml') as { stringData: Record<string, string> }).stringData;
    const oldData = (example('old-acl-secret.yaml') as { stringData: Record<string, string> }).stringData;
    const plan = planAclChange(
      { rules: redis.spec.acl?.rules ?? [], file: await readSecretKey(c.apis, NS, secret, ACL_SECRET_KEY) },
      ops.spec.configuration.auth,
      [decoded('new-acl-secret', newData), decoded('old-acl-secret', oldData)],
    );
    await c.apis.core.patchNamespacedSecret(
      { name: secret, namespace: NS, body: { data: { [ACL_SECRET_KEY]: Buffer.from(plan.file).toString('base64') } } },
      mergePatch,
    );
    await c.apis.custom.patchNamespacedCustomObject(
      { ...redisRef(NS, NAME), body: { spec: { acl: { rules: plan.rules, secretRef: { name: 'new-acl-secret' } } } } },
      mergePatch,
    );
    const pod = `${NAME}-shard0-0`;
    await replaced(c.apis, NS, pod, await evict(c.apis, NS, pod));
    const lines = await aclList(pod);
    assert.deepEqual(aclUsers(lines), ['default', 'userName1', 'userName10', 'userName3', 'userName4']);
    assert.ok(
      lines.includes(
        `user userName1 on sanitize-payload #${sha256Hex('updatePass1')} ~mykeys:* resetchannels -@all +get`,
      ),
    );
    assert.equal(await readSecretKey(c.apis, NS, secret, ACL_SECRET_KEY), plan.file, 'the provisioner kept it');
    await waitPhase(c.apis, NS, NAME, 'Ready', 60_000);
  });

  void it('a Redis whose ACL secretRef is missing reports it, and starts once the secret exists', async () => {
    const body = {
      apiVersion: 'kubedb.com/v1',
      kind: 'Redis',
      metadata: { name: 'acl-standalone', namespace: NS },
      spec: {
        version: '7.2.4',
        storage: { resources: { requests: { storage: '1Mi' } }, accessModes: ['ReadWriteOnce'] },
        configuration: { acl: { secretRef: { name: 'app-users' }, rules: ['app ${app} ~app:* +@all'] } },
      },
    };
    await applyObject(c.apis, body);
    await waitFor('ACLSecretNotFound reported', async () => {
      const r = await getRedis(c.apis, NS, 'acl-standalone');
      return r.status?.conditions?.some((k) => k.reason === 'ACLSecretNotFound') ? true : undefined;
    });
    const petSets = await c.apis.custom.listNamespacedCustomObject({
      group: 'apps.k8s.appscode.com',
      version: 'v1',
      namespace: NS,
      plural: 'petsets',
    });
    const names = (petSets as { items: { metadata: { name: string } }[] }).items.map((p) => p.metadata.name);
    assert.ok(!names.includes('acl-standalone'), names.join(','));
    await c.apis.core.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { name: 'app-users', namespace: NS }, stringData: { app: 'app-pw' } },
    });
    await waitPhase(c.apis, NS, 'acl-standalone', 'Ready', 60_000);
    const ip = await ipOf(c.apis, NS, 'acl-standalone-0');
    const operator = await readSecretKey(c.apis, NS, 'acl-standalone-auth', 'password');
    assert.equal(await cmd(ip, 6379, operator, 'AUTH', 'app', 'app-pw'), 'OK');
  });
});
