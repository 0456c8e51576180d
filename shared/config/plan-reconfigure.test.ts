import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidConfigError } from '../errors.ts';
import { parseRedisConf } from './parse.ts';
import { planReconfigure, type CurrentConfig, type ReconfigureRequest } from './plan-reconfigure.ts';

const current: CurrentConfig = { secretName: 'rd-custom-config', secretConf: 'maxclients 500\n' };
const plan = (
  request: ReconfigureRequest,
  cur: CurrentConfig = current,
  distribution: 'Official' | 'Valkey' = 'Official',
) =>
  planReconfigure({
    current: cur,
    request,
    configKey: distribution === 'Valkey' ? 'valkey.conf' : 'redis.conf',
    mode: 'Standalone',
    distribution,
  });
const effective = (text: string): Map<string, string[]> =>
  new Map(parseRedisConf(text, 'e').map((d) => [d.name, d.args]));
const failsWith = (re: RegExp) => (e: unknown) => e instanceof InvalidConfigError && re.test(e.message);

void describe('planReconfigure: the KubeDB flows', () => {
  void it('configSecret replaces the secret: maxclients 500 → 2000', () => {
    const p = plan({ configSecret: { name: 'new-custom-config', conf: 'maxclients 2000\n' } });
    assert.deepEqual(p.next, { secretName: 'new-custom-config' });
    assert.deepEqual(effective(p.effectiveConfig).get('maxclients'), ['2000']);
    assert.deepEqual(effective(p.previousEffectiveConfig).get('maxclients'), ['500']);
    assert.deepEqual(p.changed, [{ name: 'maxclients', key: 'maxclients', before: ['500'], after: ['2000'] }]);
    assert.deepEqual(p.restart, {
      needed: true,
      reason: 'the effective configuration changed: maxclients',
      immutable: [],
    });
  });

  void it('configSecret drops directives of the old secret that the new one does not set', () => {
    const p = plan({ configSecret: { name: 'n', conf: 'timeout 5\n' } });
    assert.equal(effective(p.effectiveConfig).get('maxclients'), undefined);
    assert.deepEqual(
      p.changed.map((c) => [c.key, c.before, c.after]),
      [
        ['maxclients', ['500'], undefined],
        ['timeout', undefined, ['5']],
      ],
    );
  });

  void it('applyConfig merges into inline per directive and inline wins over the secret: maxclients 3000', () => {
    const cur = { ...current, inline: { 'redis.conf': 'timeout 300\nmaxclients 1000\n' } };
    const p = plan({ applyConfig: { 'redis.conf': 'maxclients 3000\n' } }, cur);
    assert.equal(p.next.secretName, 'rd-custom-config');
    assert.equal(p.next.inline?.['redis.conf'], 'timeout 300\nmaxclients 3000\n');
    assert.deepEqual(effective(p.effectiveConfig).get('maxclients'), ['3000']);
    assert.deepEqual(
      p.changed.map((c) => c.key),
      ['maxclients'],
    );
  });

  void it('removeCustomConfig goes back to the operator defaults', () => {
    const cur = { ...current, inline: { 'redis.conf': 'timeout 300\n' } };
    const p = plan({ removeCustomConfig: true }, cur);
    assert.deepEqual(p.next, {});
    assert.deepEqual([...effective(p.effectiveConfig).keys()], ['dir', 'appendonly', 'protected-mode']);
    assert.deepEqual(p.changed.map((c) => c.key).sort(), ['maxclients', 'timeout']);
    assert.ok(p.changed.every((c) => c.after === undefined));
  });

  void it('removeCustomConfig + applyConfig: drops the old config first, then applies the new fragment', () => {
    const cur = { ...current, inline: { 'redis.conf': 'timeout 300\n' } };
    const p = plan({ removeCustomConfig: true, applyConfig: { 'redis.conf': 'maxmemory 1gb\n' } }, cur);
    assert.deepEqual(p.next, { inline: { 'redis.conf': 'maxmemory 1gb\n' } });
    const eff = effective(p.effectiveConfig);
    assert.equal(eff.get('timeout'), undefined);
    assert.equal(eff.get('maxclients'), undefined);
    assert.deepEqual(eff.get('maxmemory'), ['1gb']);
  });

  void it('removeCustomConfig + configSecret: the new secret is kept', () => {
    const p = plan(
      { removeCustomConfig: true, configSecret: { name: 'n', conf: 'maxclients 7\n' } },
      { ...current, inline: { 'redis.conf': 'timeout 1\n' } },
    );
    assert.deepEqual(p.next, { secretName: 'n' });
  });

  void it('Valkey uses valkey.conf as the key', () => {
    const p = plan(
      { applyConfig: { 'valkey.conf': 'maxclients 3000\ndual-channel-replication-enabled yes\n' } },
      {},
      'Valkey',
    );
    assert.match(p.next.inline?.['valkey.conf'] ?? '', /dual-channel-replication-enabled yes/);
  });
});

void describe('planReconfigure: restart decision', () => {
  const req = { configSecret: { name: 'n', conf: 'maxclients 2000\ndatabases 32\n' } };

  void it('restart true: always', () => {
    assert.equal(plan({ ...req, restart: 'true' }).restart.needed, true);
    assert.equal(
      plan({ configSecret: { name: 'same', conf: 'maxclients 500\n' }, restart: 'true' }).restart.needed,
      true,
    );
  });

  void it('restart false: never, but says which changes wait for a restart', () => {
    const r = plan({ ...req, restart: 'false' }).restart;
    assert.equal(r.needed, false);
    assert.deepEqual(r.immutable, ['databases']);
    assert.match(r.reason, /databases take effect only after the next restart/);
  });

  void it('restart auto: only when the effective config changed, normalised (1gb = 1073741824, ALLKEYS-LRU = allkeys-lru)', () => {
    const cur = { secretName: 'a', secretConf: 'maxmemory 1gb\nmaxmemory-policy ALLKEYS-LRU\nappendonly yes\n' };
    const same = plan(
      { configSecret: { name: 'b', conf: 'maxmemory 1073741824\nmaxmemory-policy allkeys-lru\n' }, restart: 'auto' },
      cur,
    );
    assert.deepEqual(same.changed, []);
    assert.deepEqual(same.restart, {
      needed: false,
      reason: 'the effective configuration did not change',
      immutable: [],
    });
    const changed = plan({ ...req }, cur);
    assert.equal(changed.restart.needed, true);
    assert.deepEqual(changed.restart.immutable, ['databases']);
  });

  void it('rename-command changes are file-only: listed as needing a restart', () => {
    const p = plan({ applyConfig: { 'redis.conf': 'rename-command FLUSHALL ""\n' } });
    assert.deepEqual(
      p.changed.map((c) => c.key),
      ['rename-command flushall'],
    );
    assert.deepEqual(p.restart.immutable, ['rename-command']);
  });
});

void describe('planReconfigure: errors', () => {
  void it('nothing to do', () => {
    assert.throws(() => plan({}), failsWith(/at least one of configSecret, applyConfig or removeCustomConfig/));
    assert.throws(() => plan({ applyConfig: {} }), failsWith(/at least one of/));
  });

  void it('applyConfig with the wrong key names the expected key', () => {
    assert.throws(
      () => plan({ applyConfig: { 'redis.conf': 'maxclients 1\n' } }, {}, 'Valkey'),
      failsWith(/applyConfig key "redis\.conf" is not valid for this database: expected "valkey\.conf"/),
    );
  });

  void it('a configSecret without the config key', () => {
    assert.throws(
      () => plan({ configSecret: { name: 'new-custom-config', conf: undefined } }),
      failsWith(/secret "new-custom-config" has no key "redis\.conf"/),
    );
  });

  void it('validates the new secret, the applyConfig fragment and the kept inline, reporting all of them', () => {
    const cur = { ...current, inline: { 'redis.conf': 'maxclients 1\nbogus-directive 1\n' } };
    assert.throws(
      () =>
        plan(
          {
            configSecret: { name: 'new-custom-config', conf: 'maxclients 2000\nappendonly maybe\n' },
            applyConfig: { 'redis.conf': 'port 1\nloglevel "x\n' },
          },
          cur,
        ),
      (e: unknown) => {
        assert.ok(e instanceof InvalidConfigError);
        assert.match(
          e.message,
          /spec\.configuration\.inline\["redis\.conf"\] line 2: "bogus-directive": unknown directive/,
        );
        assert.match(
          e.message,
          /configSecret "new-custom-config" key redis\.conf line 2: "appendonly maybe": argument must be 'yes' or 'no'/,
        );
        assert.match(e.message, /applyConfig\["redis\.conf"\] line 1: "port 1": is managed by the operator/);
        assert.match(e.message, /applyConfig\["redis\.conf"\] line 2: unbalanced quotes/);
        return true;
      },
    );
  });

  void it('does not validate an inline config that removeCustomConfig drops', () => {
    const cur = { ...current, inline: { 'redis.conf': 'bogus-directive 1\n' } };
    assert.doesNotThrow(() => plan({ removeCustomConfig: true }, cur));
  });
});
