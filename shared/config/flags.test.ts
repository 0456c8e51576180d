import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DEFAULT_CSV_PATH, GENERATED_PATH, generateFlagsModule } from '../../scripts/gen-config-flags.ts';
import { canonicalDirectiveName, defaultRuntimeValue, lookupFlag } from './flags.ts';
import { REDIS_7_2_CONFIG_FLAGS } from './redis-config-flags.generated.ts';
import { VALKEY_ONLY_FLAGS } from './valkey-config-flags.ts';
import { ENUM_VALUES, NUMERIC_SPECS } from './value-specs.ts';
import { runtimeMutable } from './verify.ts';

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

void describe('config flags table', () => {
  void it('the committed generated module is in sync with the config flags CSV', () => {
    assert.equal(readFileSync(GENERATED_PATH, 'utf8'), generateFlagsModule(readFileSync(DEFAULT_CSV_PATH, 'utf8')));
  });

  void it("has the 185 Redis 7.2.6 configs, without the CSV's repeated rows", () => {
    assert.equal(REDIS_7_2_CONFIG_FLAGS.length, 185);
    assert.equal(new Set(REDIS_7_2_CONFIG_FLAGS.map((f) => f.name)).size, 185);
  });

  void it('every enum has its value names and every numeric config its bounds (no silent gaps)', () => {
    for (const f of [...REDIS_7_2_CONFIG_FLAGS, ...VALKEY_ONLY_FLAGS]) {
      if (f.type === 'Enum') assert.ok(ENUM_VALUES[f.name], `enum values for ${f.name}`);
      if (NUMERIC_TYPES.has(f.type) && !VALKEY_ONLY_FLAGS.includes(f))
        assert.ok(NUMERIC_SPECS[f.name], `bounds for ${f.name}`);
    }
  });

  void it('resolves aliases and distribution-specific names', () => {
    assert.equal(canonicalDirectiveName('SLAVEOF'), 'replicaof');
    assert.equal(canonicalDirectiveName('lua-time-limit'), 'busy-reply-threshold');
    assert.equal(lookupFlag('dual-channel-replication-enabled', 'Official'), undefined);
    assert.equal(lookupFlag('dual-channel-replication-enabled', 'Valkey')?.type, 'Bool');
  });

  void it('runtimeMutable follows IMMUTABLE/PROTECTED', () => {
    assert.equal(runtimeMutable('maxclients'), true);
    assert.equal(runtimeMutable('databases'), false);
    assert.equal(runtimeMutable('slaveof'), false);
    assert.equal(runtimeMutable('dir'), false);
    assert.equal(runtimeMutable('rename-command'), false);
    assert.equal(runtimeMutable('unixsocketgroup'), false);
  });

  void it('knows the built-in defaults as CONFIG GET prints them', () => {
    assert.equal(defaultRuntimeValue('maxmemory-policy'), 'noeviction');
    assert.equal(defaultRuntimeValue('active-defrag-ignore-bytes'), '104857600');
    assert.equal(defaultRuntimeValue('proto-max-bulk-len'), '536870912');
    assert.equal(defaultRuntimeValue('save'), '3600 1 300 100 60 10000');
    assert.equal(defaultRuntimeValue('hz'), '10');
    assert.equal(defaultRuntimeValue('dir'), undefined);
  });
});
