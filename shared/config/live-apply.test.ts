import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENGINE_TABLES } from './flags.ts';
import { classifyChanged, configSetArguments, decideApplyPath, restartOnlyReason } from './live-apply.ts';
import { planReconfigure, type CurrentConfig, type ReconfigureRequest } from './plan-reconfigure.ts';
import { compareWithConfigGet, expectedRuntimeValues } from './verify.ts';

const table = (label: string) => ENGINE_TABLES.find((t) => t.label === label)!;
const plan = (
  request: ReconfigureRequest,
  current: CurrentConfig = {},
  version = { version: '7.2.4', distribution: 'Official' as 'Official' | 'Valkey' },
) =>
  planReconfigure({
    current,
    request,
    configKey: version.distribution === 'Valkey' ? 'valkey.conf' : 'redis.conf',
    mode: 'Standalone',
    distribution: version.distribution,
    version,
  });
const apply = (text: string) => ({ applyConfig: { 'redis.conf': text } });

void describe('classification for live apply', () => {
  void it('IMMUTABLE and file-only directives are restart-only; the rest is CONFIG SET-able', () => {
    const t = table('Redis 7.2');
    assert.equal(restartOnlyReason('maxmemory', t), undefined);
    assert.equal(restartOnlyReason('save', t), undefined);
    assert.equal(restartOnlyReason('client-output-buffer-limit', t), undefined);
    assert.match(restartOnlyReason('databases', t) ?? '', /IMMUTABLE_CONFIG in Redis 7\.2/);
    assert.match(restartOnlyReason('rename-command', t) ?? '', /config file at start/);
    assert.match(restartOnlyReason('dir', t) ?? '', /PROTECTED_CONFIG/);
    assert.equal(restartOnlyReason('dir', t, { protectedConfigsEnabled: true }), undefined);
  });

  void it('follows the line: io-threads is CONFIG SET-able from Valkey 9.0; Redis 6.2 CONFIG SETs its outside-table save', () => {
    assert.match(restartOnlyReason('io-threads', table('Valkey 8.1')) ?? '', /IMMUTABLE_CONFIG in Valkey 8\.1/);
    assert.equal(restartOnlyReason('io-threads', table('Valkey 9.0')), undefined);
    assert.equal(restartOnlyReason('save', table('Redis 6.2')), undefined);
    assert.match(restartOnlyReason('rename-command', table('Redis 6.2')) ?? '', /Redis 6\.2/);
    assert.match(restartOnlyReason('log-format', table('Valkey 8.0')) ?? '', /not a Valkey 8\.0 directive/);
  });

  void it('classifyChanged folds client-output-buffer-limit classes and names the line', () => {
    const p = plan(
      apply('client-output-buffer-limit normal 1mb 1mb 0 pubsub 64mb 16mb 60\ndatabases 32\nmaxclients 100'),
    );
    assert.deepEqual(classifyChanged(p.changed, table('Redis 7.2')), {
      line: 'Redis 7.2',
      mutable: ['client-output-buffer-limit', 'maxclients'],
      immutable: ['databases'],
    });
  });
});

void describe('CONFIG SET arguments', () => {
  void it('one multi-parameter CONFIG SET: values as CONFIG SET takes them', () => {
    const p = plan(apply('maxmemory 1gb\nmaxmemory-policy allkeys-lru\nsave 900 1\nsave 300 10'));
    assert.deepEqual(configSetArguments(p.changed, p.effectiveConfig, table('Redis 7.2')), {
      args: ['maxmemory', '1gb', 'maxmemory-policy', 'allkeys-lru', 'save', '900 1 300 10'],
      unresolved: [],
    });
  });

  void it('save is the whole list (CONFIG SET replaces it), also from the quoted one-argument form; "" disables', () => {
    const quoted = plan(apply('save "900 1 300 10"'));
    assert.deepEqual(configSetArguments(quoted.changed, quoted.effectiveConfig, table('Redis 7.2')).args, [
      'save',
      '900 1 300 10',
    ]);
    const off = plan(apply('save ""'));
    assert.deepEqual(configSetArguments(off.changed, off.effectiveConfig, table('Redis 7.2')).args, ['save', '']);
  });

  void it('client-output-buffer-limit: only the changed classes, each merged (a map by class)', () => {
    const cur = { inline: { 'redis.conf': 'client-output-buffer-limit pubsub 64mb 16mb 60\n' } };
    const p = plan(apply('client-output-buffer-limit normal 1mb 512kb 10'), cur);
    assert.deepEqual(configSetArguments(p.changed, p.effectiveConfig, table('Redis 7.2')).args, [
      'client-output-buffer-limit',
      'normal 1048576 524288 10',
    ]);
  });

  void it('a REMOVED directive gets the value a restarted pod would have: the line default', () => {
    const cur = {
      inline: {
        'redis.conf': 'maxclients 500\nclient-output-buffer-limit pubsub 64mb 16mb 60\nrepl-backlog-size 5mb\n',
      },
    };
    const redis = plan({ removeCustomConfig: true }, cur);
    assert.deepEqual(configSetArguments(redis.changed, redis.effectiveConfig, table('Redis 7.2')).args, [
      'client-output-buffer-limit',
      'pubsub 33554432 8388608 60',
      'maxclients',
      '10000',
      'repl-backlog-size',
      '1048576',
    ]);
    // Valkey 8 changed the repl-backlog-size default to 10mb (valkey 8.0.1 config.c).
    const vcur = { inline: { 'valkey.conf': 'repl-backlog-size 5mb\n' } };
    const valkey = plan({ removeCustomConfig: true }, vcur, { version: '8.1.1', distribution: 'Valkey' });
    assert.deepEqual(configSetArguments(valkey.changed, valkey.effectiveConfig, table('Valkey 8.1')).args, [
      'repl-backlog-size',
      '10485760',
    ]);
  });

  void it('the CONFIG GET expectations agree with the CONFIG SET values (verify.ts, per line)', () => {
    const cur = { inline: { 'redis.conf': 'maxclients 500\n' } };
    const p = plan({ removeCustomConfig: true, applyConfig: { 'redis.conf': 'maxmemory 1gb\n' } }, cur);
    const expected = expectedRuntimeValues(p.changed, p.effectiveConfig, table('Redis 7.2'));
    assert.deepEqual(expected, [
      { parameter: 'maxclients', expected: '10000' },
      { parameter: 'maxmemory', expected: '1073741824' },
    ]);
    assert.deepEqual(compareWithConfigGet(expected, { maxclients: '10000', maxmemory: '1073741824' }), []);
  });
});

void describe('planReconfigure: version line and apply path', () => {
  void it('auto + all mutable → live; any restart-only → rolling', () => {
    assert.equal(plan(apply('maxclients 100')).live.path, 'live');
    const r = plan(apply('maxclients 100\ndatabases 32'));
    assert.deepEqual(
      { path: r.live.path, mutable: r.live.mutable, immutable: r.live.immutable, line: r.live.line },
      {
        path: 'rolling',
        mutable: ['maxclients'],
        immutable: ['databases'],
        line: 'Redis 7.2',
      },
    );
    assert.equal(r.restart.needed, true);
  });

  void it('restart "true" → rolling; "false" → live-with-pending listing the restart-only ones; no change → none', () => {
    assert.equal(plan({ ...apply('maxclients 100'), restart: 'true' }).live.path, 'rolling');
    const f = plan({ ...apply('maxclients 100\ndatabases 32'), restart: 'false' });
    assert.equal(f.live.path, 'live-with-pending');
    assert.deepEqual(f.live.pending, ['databases']);
    assert.equal(plan({ ...apply('maxclients 100'), restart: 'false' }).live.path, 'live');
    const same = plan(apply('maxclients 500'), { inline: { 'redis.conf': 'maxclients 500\n' } });
    assert.equal(same.live.path, 'none');
  });

  void it('decideApplyPath without a plan (the lead’s live path)', () => {
    const changed = [{ name: 'io-threads', key: 'io-threads', before: undefined, after: ['4'] }];
    const effective = 'io-threads 4\n';
    assert.equal(decideApplyPath('auto', changed, effective, table('Valkey 8.1')).path, 'rolling');
    assert.equal(decideApplyPath('auto', changed, effective, table('Valkey 9.0')).path, 'live');
  });
});
