import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  LINES,
  generateLineModule,
  generatedPath,
  generatePoolModule,
  poolPath,
} from '../../scripts/gen-config-flags.ts';
import {
  ENGINE_TABLES,
  canonicalDirectiveName,
  defaultRuntimeValue,
  hasFlag,
  isSecretDirective,
  lookupFlag,
  numericSpec,
  tableHasCommand,
  tableKnowsSpelling,
} from './flags.ts';
import { planTable } from './plan-reconfigure.ts';
import { runtimeMutable } from './verify.ts';
import { tableForVersion } from './versions.ts';

const NUMERIC_TYPES = new Set([
  'Int',
  'UInt',
  'Long',
  'ULong',
  'LongLong',
  'ULongLong',
  'SizeT',
  'SSizeT',
  'OffT',
  'TimeT',
]);
const table = (label: string) => ENGINE_TABLES.find((t) => t.label === label)!;

void describe('directive tables per engine line', () => {
  void it('every committed generated module is in sync with shared/config/data (drift test)', () => {
    for (const spec of LINES)
      assert.equal(readFileSync(generatedPath(spec), 'utf8'), generateLineModule(spec), spec.id);
    assert.equal(readFileSync(poolPath, 'utf8'), generatePoolModule(), 'flag-pool');
  });

  void it('has the rows of each config.c table (NOTES.md row counts)', () => {
    const rows = Object.fromEntries(ENGINE_TABLES.map((t) => [t.label, t.flags.length]));
    assert.deepEqual(rows, {
      'Redis 6.2': 164,
      'Redis 7.0': 186,
      'Redis 7.2': 193,
      'Redis 7.4': 196,
      'Redis 8.0': 196,
      'Redis 8.2': 196,
      'Valkey 7.2': 193,
      'Valkey 8.0': 208,
      'Valkey 8.1': 215,
      'Valkey 9.0': 215,
    });
  });

  void it('every enum has its value names and every numeric config its bounds (no silent gaps)', () => {
    for (const t of ENGINE_TABLES)
      for (const f of t.flags) {
        if (f.type === 'Enum') assert.ok(f.enumValues.length > 0, `${t.label} enum values for ${f.name}`);
        if (NUMERIC_TYPES.has(f.type)) assert.ok(numericSpec(f.name, t), `${t.label} bounds for ${f.name}`);
      }
  });

  void it('the alias map and the secret directives built from the pool equal those of every decoded line', () => {
    // The scan over every line's decoded rows that flags.ts did before it read the pool (one decoded line at import).
    const known72 = new Set(table('Redis 7.2').flags.map((f) => f.name));
    const aliases = new Map<string, string>();
    for (const f of table('Redis 7.2').flags) if (f.alias) aliases.set(f.alias, f.name);
    for (const t of ENGINE_TABLES)
      for (const f of t.flags) {
        if (!f.alias || known72.has(f.name)) continue;
        if (known72.has(f.alias)) aliases.set(f.name, f.alias);
        else aliases.set(f.alias, f.name);
      }
    const spellings = ENGINE_TABLES.flatMap((t) => t.flags.flatMap((f) => (f.alias ? [f.name, f.alias] : [f.name])));
    for (const s of spellings) assert.equal(canonicalDirectiveName(s), aliases.get(s) ?? s, s);
    const secretByLines = (name: string): boolean =>
      ['user', 'tls-key-file-pass', 'tls-client-key-file-pass'].includes(canonicalDirectiveName(name)) ||
      ENGINE_TABLES.some((t) => {
        const flag = lookupFlag(canonicalDirectiveName(name), t);
        return flag !== undefined && hasFlag(flag, 'SENSITIVE_CONFIG');
      });
    for (const s of spellings) assert.equal(isSecretDirective(s), secretByLines(s), s);
    assert.ok(isSecretDirective('requirepass') && isSecretDirective('primaryauth') && !isSecretDirective('maxmemory'));
  });

  void it('decodes a line once, at first use', () => {
    const t = table('Valkey 8.1');
    assert.equal(t.flags, t.flags);
    assert.equal(t.commands, t.commands);
  });

  void it('resolves aliases and line-specific names', () => {
    assert.equal(canonicalDirectiveName('SLAVEOF'), 'replicaof');
    assert.equal(canonicalDirectiveName('lua-time-limit'), 'busy-reply-threshold');
    assert.equal(canonicalDirectiveName('primaryauth'), 'masterauth');
    assert.equal(canonicalDirectiveName('server-cpulist'), 'server_cpulist');
    assert.equal(lookupFlag('dual-channel-replication-enabled', 'Official'), undefined);
    assert.equal(lookupFlag('dual-channel-replication-enabled', 'Valkey')?.type, 'Bool');
    // Redis 6.2 knows only the ziplist spelling; 7.0+ both.
    assert.equal(lookupFlag('hash-max-listpack-entries', table('Redis 6.2'))?.name, 'hash-max-ziplist-entries');
    assert.equal(tableKnowsSpelling(table('Redis 6.2'), 'hash-max-listpack-entries'), false);
    assert.equal(tableKnowsSpelling(table('Redis 7.0'), 'hash-max-ziplist-entries'), true);
  });

  void it('bounds and enums follow the line (7.4 capped maxmemory-samples at 64; loglevel nothing since 7.2)', () => {
    assert.equal(numericSpec('maxmemory-samples', table('Redis 7.2'))?.max, 2n ** 31n - 1n);
    assert.equal(numericSpec('maxmemory-samples', table('Redis 7.4'))?.max, 64n);
    assert.deepEqual(numericSpec('maxmemory-clients', table('Redis 7.0')), {
      mode: 'memory-or-percent',
      min: -100n,
      max: 2n ** 63n - 1n,
    });
    assert.equal(numericSpec('unixsocketperm', table('Redis 7.0'))?.max, 0o777n);
    assert.equal(lookupFlag('loglevel', table('Redis 7.0'))?.enumValues.includes('nothing'), false);
    assert.equal(lookupFlag('loglevel', table('Redis 7.2'))?.enumValues.includes('nothing'), true);
  });

  void it('command tables per line (rename-command sources)', () => {
    assert.equal(tableHasCommand(table('Redis 7.0'), 'config'), true);
    assert.equal(tableHasCommand(table('Redis 7.0'), 'waitaof'), false);
    assert.equal(tableHasCommand(table('Redis 7.2'), 'waitaof'), true);
    assert.equal(tableHasCommand(table('Redis 6.2'), 'function'), false);
    assert.equal(tableHasCommand(table('Redis 7.4'), 'hexpire'), true);
    assert.equal(tableHasCommand(table('Valkey 8.0'), 'hexpire'), false);
    assert.equal(tableHasCommand(table('Valkey 9.0'), 'hexpire'), true);
    assert.equal(tableHasCommand(table('Valkey 8.1'), 'commandlog'), true);
  });

  void it('runtimeMutable follows IMMUTABLE/PROTECTED and file-only directives', () => {
    assert.equal(runtimeMutable('maxclients'), true);
    assert.equal(runtimeMutable('databases'), false);
    assert.equal(runtimeMutable('slaveof'), false);
    assert.equal(runtimeMutable('dir'), false);
    assert.equal(runtimeMutable('rename-command'), false);
    assert.equal(runtimeMutable('unixsocketgroup'), false);
    assert.equal(runtimeMutable('io-threads', table('Valkey 8.1')), false);
    assert.equal(runtimeMutable('io-threads', table('Valkey 9.0')), true);
  });

  void it('knows the built-in defaults as CONFIG GET prints them, per line', () => {
    assert.equal(defaultRuntimeValue('maxmemory-policy'), 'noeviction');
    assert.equal(defaultRuntimeValue('active-defrag-ignore-bytes'), '104857600');
    assert.equal(defaultRuntimeValue('proto-max-bulk-len'), '536870912');
    assert.equal(defaultRuntimeValue('save'), '3600 1 300 100 60 10000');
    assert.equal(defaultRuntimeValue('hz'), '10');
    assert.equal(defaultRuntimeValue('dir'), undefined);
    assert.equal(defaultRuntimeValue('acl-pubsub-default', table('Redis 6.2')), 'allchannels');
    assert.equal(defaultRuntimeValue('acl-pubsub-default', table('Redis 7.0')), 'resetchannels');
    assert.equal(defaultRuntimeValue('repl-backlog-size', table('Valkey 8.0')), '10485760');
    assert.equal(defaultRuntimeValue('lazyfree-lazy-expire', table('Valkey 8.0')), 'yes');
    assert.equal(defaultRuntimeValue('syslog-ident', table('Valkey 8.0')), 'valkey');
  });
});

void describe('tableForVersion', () => {
  const pick = (version: string, distribution?: 'Official' | 'Valkey') =>
    tableForVersion({ version, distribution }).label;
  void it('uses the nearest lower line of the same distribution', () => {
    assert.equal(pick('7.2.4'), 'Redis 7.2');
    assert.equal(pick('8.2.2'), 'Redis 8.2');
    assert.equal(pick('7.1.3'), 'Redis 7.0');
    assert.equal(pick('8.4.0'), 'Redis 8.2');
    assert.equal(pick('6.2.14'), 'Redis 6.2');
    assert.equal(pick('8.0.1', 'Valkey'), 'Valkey 8.0');
    assert.equal(pick('8.1.1', 'Valkey'), 'Valkey 8.1');
    assert.equal(pick('9.0.0', 'Valkey'), 'Valkey 9.0');
    assert.equal(pick('7.2.5', 'Valkey'), 'Valkey 7.2');
  });
  void it('planTable: the RedisVersion distribution, else the caller’s', () => {
    assert.equal(
      planTable({ distribution: 'Valkey', version: { version: '8.1.1', distribution: undefined } }).label,
      'Valkey 8.1',
    );
    assert.equal(
      planTable({ distribution: 'Official', version: { version: '8.1.1', distribution: 'Valkey' } }).label,
      'Valkey 8.1',
    );
    assert.equal(planTable({ distribution: 'Valkey' }).label, 'Valkey 8.0');
    assert.equal(planTable({ distribution: 'Official' }).label, 'Redis 7.2');
  });
  void it('refuses a version older than every line, naming it', () => {
    assert.throws(() => pick('6.0.20'), {
      name: 'InvalidConfigError',
      message: /Redis 6\.0\.20: .*oldest directive table \(Redis 6\.2\)/,
    });
    assert.throws(() => pick('7.0.0', 'Valkey'), { name: 'InvalidConfigError', message: /Valkey 7\.0\.0/ });
  });
});
