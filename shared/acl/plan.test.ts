import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { KUBEDB_EXAMPLES } from '../../test/shared-reference.ts';
import { ACL_SECRET_KEY, aclSecretName, parseAclFile } from './acl-file.ts';
import { AclConflictError, AclProtectedUserError, AclRuleError, AclSecretKeyMissingError } from './errors.ts';
import { buildAclFile, planAclChange, redisAclSpec } from './plan.ts';
import { sha256Hex } from './rule.ts';

// KubeDB's ACL example, unchanged (docs/examples/redis/reconfigure/acl/), from the vendored fixtures.
const EXAMPLES = join(KUBEDB_EXAMPLES, 'reconfigure', 'acl');
const load = (name: string): Record<string, unknown> =>
  parse(readFileSync(join(EXAMPLES, name), 'utf8')) as Record<string, unknown>;

const stringData = (s: Record<string, unknown>): Record<string, string> => s['stringData'] as Record<string, string>;

describe("ACL plans on KubeDB's documented example", () => {
  const redis = load('redis.yaml') as { spec: Parameters<typeof redisAclSpec>[0] };
  const ops = load('rd-ops.yaml') as {
    spec: { configuration: { auth: { syncACL: string[]; deleteUsers: string[] } } };
  };
  const oldSecret = { name: 'demo/old-acl-secret', data: stringData(load('old-acl-secret.yaml')) };
  const newSecret = { name: 'demo/new-acl-secret', data: stringData(load('new-acl-secret.yaml')) };

  it('finds the older spec.acl of the example', () => {
    const acl = redisAclSpec(redis.spec);
    assert.equal(acl?.field, 'spec.acl');
    assert.equal(acl?.spec.secretRef?.name, 'old-acl-secret');
    assert.equal(acl?.spec.rules?.length, 4);
  });

  const initial = buildAclFile(redisAclSpec(redis.spec)!.spec.rules!, [oldSecret]);

  it('builds the ACL secret content with hashed passwords only', () => {
    const lines = initial.file.trimEnd().split('\n');
    assert.equal(lines.length, 4);
    assert.equal(lines[0], `user userName1 reset on #${sha256Hex('pass1')} allkeys +@string +@set -SADD`);
    for (const pw of ['pass1', 'pass2', 'pass3', 'pass4']) assert.ok(!initial.file.includes(` >${pw}`));
    assert.deepEqual(
      parseAclFile(initial.file).map((e) => e.user),
      ['userName1', 'userName2', 'userName3', 'userName4'],
    );
  });

  it('merges the ops request exactly as the guide shows spec.acl afterwards', () => {
    const plan = planAclChange(
      { rules: redisAclSpec(redis.spec)!.spec.rules!, file: initial.file },
      ops.spec.configuration.auth,
      [newSecret, oldSecret],
    );
    assert.deepEqual(plan.rules, [
      'userName3 ${k3} allkeys +@string +@set -SADD',
      'userName4 ${k4} allkeys +@string +@set -SADD',
      'userName10 ${k10} +get ~mykeys:*',
      'userName1 ${k1} +get ~mykeys:*',
    ]);
    assert.deepEqual(plan.added, ['userName10']);
    assert.deepEqual(plan.updated, ['userName1']);
    assert.deepEqual(plan.removed, ['userName2']);
    assert.deepEqual(plan.kept, ['userName3', 'userName4']);
    assert.deepEqual(plan.delete, ['userName2']);
    assert.deepEqual(plan.affectedUsers, ['userName1', 'userName10', 'userName2']);
    assert.deepEqual(
      plan.set.map((s) => s.args),
      [
        ['userName1', 'reset', 'on', `#${sha256Hex('updatePass1')}`, '+get', '~mykeys:*'],
        ['userName10', 'reset', 'on', `#${sha256Hex('pass10')}`, '+get', '~mykeys:*'],
      ],
    );
    const file = parseAclFile(plan.file);
    assert.deepEqual(
      file.map((e) => e.user),
      ['userName3', 'userName4', 'userName10', 'userName1'],
    );
    // userName3 keeps its line: its ${k3} is in old-acl-secret only.
    assert.deepEqual(file[0]!.args, parseAclFile(initial.file)[2]!.args);
  });

  it('resolves a kept rule the file lacks from the previous secret, and fails naming the key otherwise', () => {
    const plan = planAclChange(
      { rules: redisAclSpec(redis.spec)!.spec.rules!, file: undefined },
      ops.spec.configuration.auth,
      [newSecret, oldSecret],
    );
    assert.equal(parseAclFile(plan.file)[0]!.args[3], `#${sha256Hex('pass3')}`);
    assert.throws(
      () =>
        planAclChange({ rules: redisAclSpec(redis.spec)!.spec.rules!, file: undefined }, ops.spec.configuration.auth, [
          newSecret,
        ]),
      (e: unknown) => e instanceof AclSecretKeyMissingError && e.key === 'k3' && e.user === 'userName3',
    );
  });
});

describe('ACL plans refuse before anything is touched', () => {
  const current = { rules: ['app ${p} ~app:* +@all'], file: undefined };
  const src = [{ name: 'ns/s', data: { p: 'x', q: 'y' } }];
  it('a rule for, or the deletion of, the operator user', () => {
    assert.throws(() => planAclChange(current, { syncACL: ['default ${p} +@all'] }, src), AclProtectedUserError);
    assert.throws(() => planAclChange(current, { deleteUsers: ['default'] }, src), AclProtectedUserError);
    assert.throws(() => buildAclFile(['default ${p} +@all'], src), AclProtectedUserError);
    assert.throws(
      () => planAclChange(current, { deleteUsers: ['admin'] }, src, { operatorUser: 'admin' }),
      AclProtectedUserError,
    );
  });
  it('a user both synced and deleted, or synced twice', () => {
    assert.throws(
      () => planAclChange(current, { syncACL: ['app ${p} +get'], deleteUsers: ['app'] }, src),
      (e: unknown) => e instanceof AclConflictError && e.reason === 'ACLConflictingChange',
    );
    assert.throws(() => planAclChange(current, { syncACL: ['a ${p}', 'a ${q}'] }, src), AclConflictError);
  });
  it('a malformed rule or user name', () => {
    assert.throws(() => planAclChange(current, { syncACL: ['b ${p} +get bogus'] }, src), AclRuleError);
    assert.throws(() => planAclChange(current, { deleteUsers: ['two words'] }, src), AclRuleError);
  });
  it('deleting an unknown user is harmless: DELUSER still runs, nothing is removed from the rules', () => {
    const plan = planAclChange(current, { deleteUsers: ['ghost'] }, src);
    assert.deepEqual(plan.delete, ['ghost']);
    assert.deepEqual(plan.removed, []);
    assert.deepEqual(plan.rules, current.rules);
  });
  it('names the ACL secret like KubeDB', () => {
    assert.equal(aclSecretName('redis-instance', '0b7c-4f2e-9d1a-aabbccddeeff'), 'redis-instance-acl-ddeeff');
    assert.equal(ACL_SECRET_KEY, 'user_acl.conf');
  });
});
