import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyedSettings, mergeConfigs } from './merge.ts';
import { parseRedisConf, renderConfig } from './parse.ts';

const layer = (text: string, source = 'l') => parseRedisConf(text, source);
const merged = (...texts: string[]): string => renderConfig(mergeConfigs(...texts.map((t, i) => layer(t, `l${i}`))));

void describe('mergeConfigs', () => {
  void it('last value wins per directive, keeping the position of the first appearance', () => {
    assert.equal(
      merged('maxclients 500\nloglevel notice\n', 'maxclients 2000\n', 'MAXCLIENTS 3000\ntimeout 5\n'),
      'maxclients 3000\nloglevel notice\ntimeout 5\n',
    );
  });

  void it('treats aliases as the same directive', () => {
    assert.equal(merged('slave-priority 10\n', 'replica-priority 20\n'), 'replica-priority 20\n');
  });

  void it("a later layer's save lines replace the whole earlier set", () => {
    assert.equal(merged('save 3600 1\nsave 300 100\n', 'save 60 10000\n'), 'save 60 10000\n');
    assert.equal(merged('save 3600 1\n', 'save ""\n'), 'save ""\n');
    assert.equal(merged('save 3600 1\n', 'maxclients 1\n'), 'save 3600 1\nmaxclients 1\n');
  });

  void it('within one layer save lines accumulate, and save "" only disables when alone (as redis reads one file)', () => {
    assert.equal(merged('save 3600 1 300 100\nsave 60 10000\n'), 'save 3600 1\nsave 300 100\nsave 60 10000\n');
    assert.equal(merged('save 3600 1\nsave ""\n'), 'save 3600 1\n');
  });

  void it('rename-command is keyed by the command, case-insensitively', () => {
    assert.equal(
      merged('rename-command FLUSHALL ""\nrename-command KEYS k1\n', 'rename-command keys k2\n'),
      'rename-command FLUSHALL ""\nrename-command keys k2\n',
    );
  });

  void it('client-output-buffer-limit is keyed by class (replica = slave), multi-class lines are split', () => {
    assert.equal(
      merged(
        'client-output-buffer-limit normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60\n',
        'client-output-buffer-limit replica 512mb 128mb 120\n',
      ),
      'client-output-buffer-limit normal 0 0 0\nclient-output-buffer-limit replica 512mb 128mb 120\nclient-output-buffer-limit pubsub 32mb 8mb 60\n',
    );
  });

  void it('multi-argument directives (bind, oom-score-adj-values, latency percentiles) are replaced whole', () => {
    assert.equal(
      merged(
        'bind 10.0.0.1 10.0.0.2\noom-score-adj-values 0 200 800\n',
        'bind 10.0.0.3\noom-score-adj-values 0 100 900\n',
      ),
      'bind 10.0.0.3\noom-score-adj-values 0 100 900\n',
    );
  });

  void it("keeps the winning directive's source and line", () => {
    const out = mergeConfigs(layer('maxclients 1\n', 'secret'), layer('\n\nmaxclients 2\n', 'inline'));
    assert.deepEqual(out, [{ name: 'maxclients', args: ['2'], line: 3, source: 'inline' }]);
  });

  void it('keyedSettings folds save into one setting and keys classes and renamed commands', () => {
    const view = keyedSettings(
      mergeConfigs(
        layer('save 900 1\nsave 300 10\nrename-command KEYS ""\nclient-output-buffer-limit slave 1mb 1mb 1\n'),
      ),
    );
    assert.deepEqual([...view.keys()], ['save', 'rename-command keys', 'client-output-buffer-limit replica']);
    assert.deepEqual(view.get('save')?.args, ['900', '1', '300', '10']);
  });
});
