import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildEffectiveConfig } from './effective-config.ts';
import { runtimeValue } from './normalise.ts';
import { planReconfigure } from './plan-reconfigure.ts';
import { compareWithConfigGet, expectedRuntimeValues } from './verify.ts';

const planFor = (secretConf: string, currentConf?: string) =>
  planReconfigure({
    current: currentConf === undefined ? {} : { secretName: 'old', secretConf: currentConf },
    request: { configSecret: { name: 'new', conf: secretConf } },
    configKey: 'redis.conf',
    mode: 'Standalone',
    distribution: 'Official',
  });

void describe('runtimeValue normalisation', () => {
  void it('prints values the way CONFIG GET does', () => {
    assert.equal(runtimeValue('maxmemory', ['1gb']), '1073741824');
    assert.equal(runtimeValue('maxmemory', ['100k']), '100000');
    assert.equal(runtimeValue('maxmemory-clients', ['10%']), '10%');
    assert.equal(runtimeValue('appendonly', ['YES']), 'yes');
    assert.equal(runtimeValue('maxmemory-policy', ['ALLKEYS-LRU']), 'allkeys-lru');
    assert.equal(runtimeValue('oom-score-adj', ['relative']), 'yes');
    assert.equal(runtimeValue('shutdown-on-sigterm', ['force', 'NOW', 'nosave']), 'nosave now force');
    assert.equal(runtimeValue('notify-keyspace-events', ['Ex']), 'xE');
    assert.equal(runtimeValue('notify-keyspace-events', ['nKEAm']), 'AKEm');
    assert.equal(
      runtimeValue('latency-tracking-info-percentiles', ['50.0', '99.90', '12.3456789']),
      '50 99.9 12.345679',
    );
    assert.equal(runtimeValue('unixsocketperm', ['0700']), '700');
    assert.equal(runtimeValue('slave-priority', ['07']), '07'); // not an integer redis accepts: left as written
    assert.equal(runtimeValue('hz', ['1000']), '500'); // config_hz is clamped to [1, 500]
    assert.equal(runtimeValue('hz', ['0']), '1');
    assert.equal(runtimeValue('hz', ['20']), '20');
  });
});

void describe('expectedRuntimeValues', () => {
  void it('covers changed directives with the effective value, including the whole client-output-buffer-limit and save', () => {
    const p = planFor(
      'maxmemory 1gb\nsave 900 1\nsave 300 10\nclient-output-buffer-limit replica 512mb 128mb 120\nrename-command KEYS ""\n',
    );
    assert.deepEqual(expectedRuntimeValues(p.changed, p.effectiveConfig), [
      {
        parameter: 'client-output-buffer-limit',
        expected: 'normal 0 0 0 slave 536870912 134217728 120 pubsub 33554432 8388608 60',
      },
      { parameter: 'maxmemory', expected: '1073741824' },
      { parameter: 'save', expected: '900 1 300 10' },
    ]);
  });

  void it('a removed directive expects its built-in default', () => {
    const p = planFor('timeout 5\n', 'maxmemory-policy allkeys-lru\nsave ""\nhash-max-listpack-value 1kb\n');
    const expected = Object.fromEntries(
      expectedRuntimeValues(p.changed, p.effectiveConfig).map((e) => [e.parameter, e.expected]),
    );
    assert.deepEqual(expected, {
      'maxmemory-policy': 'noeviction',
      save: '3600 1 300 100 60 10000',
      'hash-max-listpack-value': '64',
      timeout: '5',
    });
  });

  void it('a removed operator-default override falls back to the operator default, not the built-in one', () => {
    const p = planFor('timeout 5\n', 'appendonly no\n');
    assert.deepEqual(
      expectedRuntimeValues(
        p.changed.filter((c) => c.key === 'appendonly'),
        p.effectiveConfig,
      ),
      [{ parameter: 'appendonly', expected: 'yes' }],
    );
  });
});

void describe('compareWithConfigGet', () => {
  const effective = buildEffectiveConfig({
    mode: 'Standalone',
    distribution: 'Official',
    secretConf: 'maxmemory 1gb\nmaxclients 2000\n',
  });
  const expected = expectedRuntimeValues(
    [
      { name: 'maxmemory', key: 'maxmemory', before: undefined, after: ['1gb'] },
      { name: 'maxclients', key: 'maxclients', before: undefined, after: ['2000'] },
    ],
    effective,
  );

  void it('reports no mismatch when the pod runs the config', () => {
    assert.deepEqual(compareWithConfigGet(expected, { maxmemory: '1073741824', maxclients: '2000', other: 'x' }), []);
  });

  void it('reports mismatches and missing parameters only', () => {
    assert.deepEqual(compareWithConfigGet(expected, { maxmemory: '0' }), [
      { parameter: 'maxmemory', expected: '1073741824', actual: '0' },
      { parameter: 'maxclients', expected: '2000', actual: undefined },
    ]);
  });

  void it('normalises both sides (client-output-buffer-limit classes, spacing)', () => {
    const exp = [
      {
        parameter: 'client-output-buffer-limit',
        expected: 'normal 0 0 0 replica 1mb 1mb 1 pubsub 33554432 8388608 60',
      },
    ];
    assert.deepEqual(
      compareWithConfigGet(exp, {
        'client-output-buffer-limit': 'normal 0 0 0 slave 1048576 1048576 1 pubsub 33554432 8388608 60',
      }),
      [],
    );
  });
});
