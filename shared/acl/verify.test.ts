import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureAclUsers, restoreAclUsers, unrestoredUsers } from './restore.ts';
import { parseAclRule, resolveAclRule, sha256Hex } from './rule.ts';
import { diffAclUsers, parseAclGetUser, verifyAclUser } from './verify.ts';

const H = sha256Hex('pw');
// ACL GETUSER userName1 on redis-server 7.0.15 after `reset on #<H> +get ~mykeys:*` (RESP2, as ioredis returns it).
const RAW: unknown[] = [
  'flags',
  ['on', 'sanitize-payload'],
  'passwords',
  [H],
  'commands',
  '-@all +get',
  'keys',
  '~mykeys:*',
];
RAW.push('channels', '', 'selectors', [['commands', '-@all +set', 'keys', '~x', 'channels', '']]);

describe('ACL GETUSER checks', () => {
  const expected = resolveAclRule(parseAclRule('userName1 ${k} +get ~mykeys:* (~x +set)'), [
    { name: 's', data: { k: 'pw' } },
  ]).expected;

  it('parse the reply (and nil)', () => {
    const reply = parseAclGetUser(RAW)!;
    assert.deepEqual(reply.flags, ['on', 'sanitize-payload']);
    assert.equal(reply.commands, '-@all +get');
    assert.deepEqual(reply.selectors, [{ commands: '-@all +set', keys: '~x', channels: '' }]);
    assert.equal(parseAclGetUser(null), undefined);
  });
  it('pass when the pod shows what the rule gives', () => {
    assert.deepEqual(verifyAclUser('userName1', expected, parseAclGetUser(RAW)), []);
  });
  it('report each difference without showing a hash', () => {
    const other = parseAclGetUser(RAW)!;
    other.flags = ['off', 'nopass'];
    other.passwords = [sha256Hex('other')];
    other.keys = '~*';
    other.channels = '&*';
    other.selectors = [];
    const problems = verifyAclUser('userName1', expected, other);
    assert.equal(problems.length, 6);
    assert.ok(problems.every((p) => !p.includes(H) && !p.includes(sha256Hex('other'))));
    assert.deepEqual(verifyAclUser('u', expected, undefined), ['user u does not exist']);
  });
  it('compare two pods field by field (the commands string included)', () => {
    const a = parseAclGetUser(RAW)!;
    const b = { ...a, commands: '-@all +get +set' };
    assert.deepEqual(diffAclUsers('u', a, a), []);
    assert.deepEqual(diffAclUsers('u', a, b), ['user u: commands "-@all +get" vs "-@all +get +set"']);
    assert.deepEqual(diffAclUsers('u', a, undefined), ['user u exists on one pod only']);
    assert.deepEqual(diffAclUsers('u', undefined, undefined), []);
  });
});

describe('ACL restore plans', () => {
  const list = [
    `user default on sanitize-payload #${H} ~* &* +@all`,
    `user userName1 on sanitize-payload #${H} ~* resetchannels -@all +@string +@set -sadd`,
    'user sel on sanitize-payload resetchannels -@all +set (~x resetchannels -@all +get)',
  ];
  it('capture the affected users (absent ones as null) and rebuild them with reset + their LIST tokens', () => {
    const snap = captureAclUsers(list, ['userName1', 'userName10', 'sel', 'userName1']);
    assert.deepEqual(
      snap.map((s) => [s.user, s.line !== null]),
      [
        ['userName1', true],
        ['userName10', false],
        ['sel', true],
      ],
    );
    const plan = restoreAclUsers(snap);
    assert.deepEqual(plan.delete, ['userName10']);
    assert.deepEqual(plan.set[0]!.args, [
      'userName1',
      'reset',
      'on',
      'sanitize-payload',
      `#${H}`,
      '~*',
      'resetchannels',
      '-@all',
      '+@string',
      '+@set',
      '-sadd',
    ]);
    assert.deepEqual(plan.set[1]!.args.slice(-1), ['(~x resetchannels -@all +get)']);
  });
  it('tell which users are not back as they were', () => {
    const snap = captureAclUsers(list, ['userName1', 'userName10']);
    assert.deepEqual(unrestoredUsers(snap, list), []);
    assert.deepEqual(unrestoredUsers(snap, [...list, 'user userName10 on nopass']), ['userName10']);
    assert.deepEqual(unrestoredUsers(snap, list.slice(0, 1)), ['userName1']);
  });
});
