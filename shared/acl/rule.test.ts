import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AclRuleError, AclSecretKeyMissingError } from './errors.ts';
import { parseAclRule, placeholderKeys, resolveAclRule, sha256Hex } from './rule.ts';
import { checkToken, splitAclTokens } from './tokens.ts';

const H1 = sha256Hex('pass1');
const old = [{ name: 'demo/old-acl-secret', data: { k1: 'pass1', k2: 'pass2' } }];

describe('ACL SETUSER token grammar', () => {
  it('accepts every documented rule form', () => {
    const tokens = [
      'on',
      'OFF',
      '>p w',
      '<pw',
      `#${H1}`,
      `!${H1}`,
      'nopass',
      'resetpass',
      '~app:*',
      '%R~r:*',
      '%W~w:*',
      '%RW~rw:*',
      'allkeys',
      'resetkeys',
      '&chan:*',
      'allchannels',
      'resetchannels',
      '+get',
      '-SET',
      '+client|list',
      '-config|set',
      '+@string',
      '-@dangerous',
      'allcommands',
      'nocommands',
      'reset',
      '(~sel:* +get)',
      'clearselectors',
      'sanitize-payload',
      'skip-sanitize-payload',
      '${k1}',
      '>${k1}',
      '<${k1}',
    ];
    for (const t of tokens) assert.equal(checkToken(t), undefined, t);
  });
  it('refuses unknown words, bad hashes, misplaced placeholders and user keywords inside a selector', () => {
    for (const t of [
      'pass1',
      'get',
      '#abc',
      `#${H1.toUpperCase()}`,
      '~${k1}x',
      'x${k1}',
      '(on +get)',
      '(>p)',
      '((x))',
    ]) {
      if (t === '~${k1}x') continue; // a key pattern may contain "${": it is a literal pattern
      assert.notEqual(checkToken(t), undefined, t);
    }
  });
  it('joins a selector spread over several words, as Redis does', () => {
    assert.deepEqual(splitAclTokens('u  on (~a* +get   +set) +del'), ['u', 'on', '(~a* +get +set)', '+del']);
    assert.throws(() => splitAclTokens('u (~a +get'), /unmatched parenthesis/);
  });
});

describe('KubeDB ACL rules', () => {
  it('parse the guide rule: user, password placeholder, tokens', () => {
    const rule = parseAclRule('userName1 ${k1} allkeys +@string +@set -SADD');
    assert.equal(rule.user, 'userName1');
    assert.deepEqual(rule.tokens, ['${k1}', 'allkeys', '+@string', '+@set', '-SADD']);
    assert.deepEqual(placeholderKeys(rule), ['k1']);
  });
  it('resolve to `<user> reset on #<sha256> <tokens>` (no clear text) with the expected state', () => {
    const r = resolveAclRule(parseAclRule('userName1 ${k1} allkeys +@string +@set -SADD'), old);
    assert.deepEqual(r.args, ['userName1', 'reset', 'on', `#${H1}`, 'allkeys', '+@string', '+@set', '-SADD']);
    assert.ok(!r.args.join(' ').includes('pass1'));
    assert.deepEqual(r.expected, {
      enabled: true,
      nopass: false,
      passwords: [H1],
      keys: ['~*'],
      channels: [],
      selectors: 0,
    });
  });
  it('take a key from the first secret that has it (the ops secret, then the previous one)', () => {
    const sources = [{ name: 'demo/new-acl-secret', data: { k1: 'updatedPass1' } }, ...old];
    const a = resolveAclRule(parseAclRule('userName1 ${k1} +get ~mykeys:*'), sources);
    assert.equal(a.args[3], `#${sha256Hex('updatedPass1')}`);
    const b = resolveAclRule(parseAclRule('userName2 ${k2} +get'), sources);
    assert.equal(b.args[3], `#${sha256Hex('pass2')}`);
  });
  it('accept rules without a password: nopass, or none at all', () => {
    const a = resolveAclRule(parseAclRule('probe nopass +ping'), []);
    assert.deepEqual(a.args, ['probe', 'reset', 'on', 'nopass', '+ping']);
    assert.equal(a.expected.nopass, true);
    const b = resolveAclRule(parseAclRule('locked ~x +get'), []);
    assert.deepEqual(b.expected.passwords, []);
  });
  it('hash literal >pass / <pass and <${key} too', () => {
    const r = resolveAclRule(parseAclRule('u >lit <${k2} off'), old);
    assert.deepEqual(r.args.slice(3), [`#${sha256Hex('lit')}`, `!${sha256Hex('pass2')}`, 'off']);
    assert.equal(r.expected.enabled, false);
  });
  it('name the missing key and the user, never a value', () => {
    const sources = [{ name: 'demo/new-acl-secret', data: { k1: 'updatedPass1' } }];
    const err = assert.throws(
      () => resolveAclRule(parseAclRule('userName10 ${k10} +get ~mykeys:*'), sources),
      (e: unknown) => {
        assert.ok(e instanceof AclSecretKeyMissingError);
        assert.equal(e.reason, 'ACLSecretKeyNotFound');
        assert.equal(e.key, 'k10');
        assert.match(e.message, /userName10.*\$\{k10\}.*demo\/new-acl-secret has no key k10/);
        assert.ok(!e.message.includes('updatedPass1'));
        return true;
      },
    );
    void err;
  });
  it('refuse malformed rules naming the user and the word, hiding anything that may be a password', () => {
    assert.throws(() => parseAclRule('   '), AclRuleError);
    assert.throws(() => parseAclRule('+get ~x'), /user name/);
    assert.throws(
      () => parseAclRule('userName1 mysecret +get'),
      (e: unknown) =>
        e instanceof AclRuleError && /word 2 .*userName1/.test(e.message) && !e.message.includes('mysecret'),
    );
    assert.throws(
      () => parseAclRule('u #notahash'),
      (e: unknown) => e instanceof AclRuleError && /64 lowercase/.test(e.message) && !e.message.includes('notahash'),
    );
    assert.throws(() => parseAclRule('u (~x +get'), /unmatched parenthesis/);
  });
  it('refuse what Redis refuses: a pattern after allkeys / allchannels', () => {
    assert.throws(() => resolveAclRule(parseAclRule('u allkeys ~x'), []), /after the \* pattern.*resetkeys/);
    assert.throws(() => resolveAclRule(parseAclRule('u &* &x'), []), /resetchannels/);
    const ok = resolveAclRule(parseAclRule('u allkeys resetkeys ~x %RW~y %r~z ~x &a allchannels'), []);
    assert.deepEqual(ok.expected.keys, ['~x', '~y', '%R~z']);
    assert.deepEqual(ok.expected.channels, ['&*']);
  });
});
