import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidConfigError } from '../errors.ts';
import { parseRedisConf, quoteArg, renderConfig, splitArgs, type ConfigDirective } from './parse.ts';

const errorMatching = (re: RegExp) => (e: unknown) => e instanceof InvalidConfigError && re.test(e.message);

void describe('splitArgs (sdssplitargs semantics)', () => {
  void it('splits on whitespace and keeps quoted spaces', () => {
    assert.deepEqual(splitArgs('save  900 1'), ['save', '900', '1']);
    assert.deepEqual(splitArgs('proc-title-template "{title} {port}"'), ['proc-title-template', '{title} {port}']);
    assert.deepEqual(splitArgs("requirepass 'a b'"), ['requirepass', 'a b']);
  });

  void it('decodes the double-quote escapes \\n \\r \\t \\b \\a \\\\ \\" \\xHH and passes unknown escapes through', () => {
    assert.deepEqual(splitArgs('x "a\\nb\\rc\\td\\be\\af\\\\g\\"h\\x41\\q"'), ['x', 'a\nb\rc\td\be\x07f\\g"hAq']);
  });

  void it("single quotes only know \\' and keep other backslashes", () => {
    assert.deepEqual(splitArgs("x 'it\\'s \\n'"), ['x', "it's \\n"]);
  });

  void it('an empty quoted string is an empty argument', () => {
    assert.deepEqual(splitArgs('save ""'), ['save', '']);
  });

  void it('a quote can open in the middle of a bare token, as in sds.c', () => {
    assert.deepEqual(splitArgs('x ab"c d"'), ['x', 'abc d']);
  });
});

void describe('parseRedisConf', () => {
  void it('skips comments and blank lines, lower-cases names, resolves aliases, records line and source', () => {
    const text =
      '# comment\n\n  MaxMemory 1gb\r\nslaveof 10.0.0.1 6379\n\t# indented comment\nhash-max-ziplist-value 128\n';
    assert.deepEqual(parseRedisConf(text, 'src'), [
      { name: 'maxmemory', args: ['1gb'], line: 3, source: 'src' },
      { name: 'replicaof', spelled: 'slaveof', args: ['10.0.0.1', '6379'], line: 4, source: 'src' },
      { name: 'hash-max-listpack-value', spelled: 'hash-max-ziplist-value', args: ['128'], line: 6, source: 'src' },
    ]);
  });

  void it('renders the spelling the user wrote (Redis 6.2 knows only hash-max-ziplist-*), merged under the canonical name', () => {
    const text = 'hash-max-ziplist-value 128\nmaxmemory 1gb\n';
    assert.equal(renderConfig(parseRedisConf(text, 'src')), text);
  });

  void it('resolves the Valkey spellings to the names both distributions accept', () => {
    const names = parseRedisConf('primaryauth x\nprimaryuser y\nserver-cpulist 0-1\n', 's').map((d) => d.name);
    assert.deepEqual(names, ['masterauth', 'masteruser', 'server_cpulist']);
  });

  void it('reports every unbalanced quote with its line number', () => {
    assert.throws(
      () =>
        parseRedisConf(
          'maxclients 1\nrequirepass "abc\nloglevel notice\nfoo \'bar\n',
          'configSecret "c" key redis.conf',
        ),
      (e: unknown) =>
        e instanceof InvalidConfigError &&
        /configSecret "c" key redis\.conf line 2: unbalanced quotes/.test(e.message) &&
        /line 4: unbalanced quotes/.test(e.message) &&
        !/line 3/.test(e.message),
    );
  });

  void it('requires whitespace after a closing quote', () => {
    assert.throws(
      () => parseRedisConf('appendonly "yes"no', 's'),
      errorMatching(/s line 1: closing quote must be followed by a space/),
    );
    assert.throws(() => parseRedisConf("appendonly 'yes'no", 's'), errorMatching(/line 1: closing quote/));
  });

  void it('refuses a NUL byte (redis-server would silently ignore the rest of the file)', () => {
    assert.throws(
      () => parseRedisConf('maxclients 1\nloglevel\0 notice\nport 1\n', 's'),
      errorMatching(/s line 2: NUL byte/),
    );
  });

  void it('refuses \\x escapes above 0x7f, whose byte is not text', () => {
    assert.throws(() => parseRedisConf('requirepass "\\xe9"', 's'), errorMatching(/line 1: .*above \\x7f/));
  });
});

void describe('renderConfig', () => {
  const d = (name: string, ...args: string[]): ConfigDirective => ({ name, args, line: 1, source: 't' });

  void it('leaves plain arguments bare and quotes the rest', () => {
    assert.equal(
      renderConfig([d('save', ''), d('maxmemory', '1gb'), d('proc-title-template', '{title} {port}')]),
      'save ""\nmaxmemory 1gb\nproc-title-template "{title} {port}"\n',
    );
  });

  void it('round-trips awkward arguments through parse', () => {
    const awkward = [
      '',
      'a b',
      '"',
      "'",
      '\\',
      'x\ny',
      '#hash',
      'tab\there',
      '\x01\x7f',
      'é ü',
      'a"b\'c',
      ' lead',
      'trail ',
    ];
    for (const arg of awkward) {
      const text = renderConfig([d('ignore-warnings', arg)]);
      assert.equal(text.split('\n').length, 2, `one line for ${JSON.stringify(arg)}`);
      const [parsed] = parseRedisConf(text, 'r');
      assert.deepEqual(parsed?.args, [arg], `round trip of ${JSON.stringify(arg)}`);
    }
  });

  void it('cannot be used to inject a directive: a newline in an argument stays inside the argument', () => {
    const text = renderConfig([d('requirepass', 'x\nrename-command CONFIG ""')]);
    const parsed = parseRedisConf(text, 'r');
    assert.equal(parsed.length, 1);
    assert.equal(parsed[0]?.name, 'requirepass');
  });

  void it('refuses to render a directive name that is not a plain token', () => {
    assert.throws(() => renderConfig([d('maxmemory 1\nloadmodule /x.so')]), /refusing to render/);
  });

  void it('quoteArg output is a single sdssplitargs argument for every byte value', () => {
    for (let c = 1; c < 256; c++) {
      const arg = `a${String.fromCharCode(c)}b`;
      assert.deepEqual(splitArgs(quoteArg(arg)), [arg]);
    }
  });
});
