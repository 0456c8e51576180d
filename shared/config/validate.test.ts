import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidConfigError } from '../errors.ts';
import type { Distribution } from './flags.ts';
import { parseRedisConf } from './parse.ts';
import { configProblems, validateUserConfig } from './validate.ts';

const problems = (text: string, distribution: Distribution = 'Official'): string[] =>
  configProblems(parseRedisConf(text, 'src'), { distribution });
const ok = (text: string, distribution: Distribution = 'Official'): void =>
  assert.deepEqual(problems(text, distribution), [], text);
const rejects = (text: string, re: RegExp, distribution: Distribution = 'Official'): void => {
  const p = problems(text, distribution);
  assert.equal(p.length, 1, `${text} → ${JSON.stringify(p)}`);
  assert.match(p[0] ?? '', re);
};

void describe('validateUserConfig', () => {
  void it('accepts a typical tuning config', () => {
    ok(
      [
        'maxclients 2000',
        'maxmemory 1gb',
        'maxmemory 512MB',
        'maxmemory 100k',
        'maxmemory 0',
        'maxmemory-policy ALLKEYS-LRU',
        'appendonly no',
        'appendfsync everysec',
        'loglevel warning',
        'save 900 1',
        'save ""',
        'save 3600 1 300 100',
        'client-output-buffer-limit replica 256mb 64mb 60 pubsub 32mb 8mb 60',
        'client-output-buffer-limit normal 0 0 0',
        'hash-max-listpack-value 1kb',
        'list-max-listpack-size -2',
        'slowlog-log-slower-than -1',
        'maxmemory-clients 10%',
        'notify-keyspace-events Ex',
        'notify-keyspace-events ""',
        'oom-score-adj relative',
        'oom-score-adj-values 0 200 800',
        'latency-tracking-info-percentiles 50 99 99.9',
        'shutdown-on-sigterm nosave now',
        'rename-command FLUSHALL ""',
        'rename-command KEYS my-keys',
        'enable-debug-command no',
        'cluster-node-timeout 15000',
        'tls-auth-clients optional',
        'repl-diskless-load on-empty-db',
        'acl-pubsub-default allchannels',
        'sanitize-dump-payload clients',
        'propagation-error-behavior panic-on-replicas',
        'proc-title-template "{title} {listen-addr} {server-mode}"',
        'lua-time-limit 5000',
        'databases 32',
      ].join('\n'),
    );
  });

  void it('reports an unknown directive', () => {
    rejects('maxmemmory 1gb', /src line 1: "maxmemmory": unknown directive/);
    rejects('list-max-ziplist-entries 512', /deprecated and ignored/);
    rejects('mymodule.setting 1', /module configuration/);
  });

  void it('reports a wrong number of arguments', () => {
    rejects('maxclients 1 2', /expects exactly 1 argument, got 2/);
    rejects('maxclients', /expects exactly 1 argument, got 0/);
    rejects('save 900', /pairs of <seconds> <changes>/);
    rejects('client-output-buffer-limit normal 0 0', /groups of <class>/);
    rejects('oom-score-adj-values 0 200', /expects 3 values/);
    rejects('rename-command FLUSHALL', /expects exactly 2 arguments/);
  });

  void it('checks booleans', () => {
    rejects('appendonly maybe', /'yes' or 'no'/);
    rejects('appendonly 1', /'yes' or 'no'/);
    ok('appendonly YES');
  });

  void it('checks integers strictly and against the directive bounds', () => {
    rejects('maxclients 0', /between 1 and 4294967295/);
    rejects('maxclients -1', /between 1/);
    rejects('hz 10.5', /parsed into an integer/);
    rejects('timeout 007', /parsed into an integer/);
    rejects('timeout +5', /parsed into an integer/);
    rejects('active-expire-effort 11', /between 1 and 10/);
    rejects('tcp-keepalive 1k', /parsed into an integer/);
    rejects('set-max-listpack-value 1kb', /parsed into an integer/); // INTEGER_CONFIG in config.c, unlike its hash/zset siblings
  });

  void it('checks memory values: units, no sign, bounds', () => {
    rejects('maxmemory 1tb', /memory value/);
    rejects('maxmemory -1', /memory value/);
    rejects('maxmemory 1.5gb', /memory value/);
    rejects('client-query-buffer-limit 1000', /between 1048576/);
    rejects('proto-max-bulk-len 512k', /between 1048576/);
    rejects('maxmemory-clients 101%', /at most 100%/);
    rejects('client-output-buffer-limit replica 1tb 0 0', /memory values/);
  });

  void it('checks enum values, case-insensitively', () => {
    rejects('maxmemory-policy lru', /is not one of: volatile-lru/);
    rejects('appendfsync sometimes', /everysec, always, no/);
    rejects('repl-diskless-load yes', /disabled, on-empty-db, swapdb/);
    rejects('shutdown-on-sigint save nosave', /mutually exclusive/);
    rejects('client-output-buffer-limit master 0 0 0', /class "master"/);
    ok('loglevel NOTICE\nsyslog-facility LOCAL3');
  });

  void it('checks special values', () => {
    rejects('save 0 1', /seconds must be an integer >= 1/);
    rejects('save 900 -1', /changes must be/);
    rejects('notify-keyspace-events Q', /invalid event class/);
    rejects('latency-tracking-info-percentiles 50 101', /between 0 and 100/);
    rejects('proc-title-template "{title} {nope}"', /unknown variable \{nope\}/);
    rejects('oom-score-adj-values 0 200 3000', /between -2000 and 2000/);
  });

  void it('refuses directives the operator owns', () => {
    for (const line of [
      'dir /tmp',
      'port 7000',
      'bind 0.0.0.0',
      'unixsocket /tmp/r.sock',
      'daemonize yes',
      'supervised systemd',
      'pidfile /tmp/p',
      'logfile /tmp/l',
      'dbfilename x.rdb',
      'appendfilename a.aof',
      'appenddirname d',
      'aclfile /a',
      'requirepass secret',
      'masterauth secret',
      'masteruser u',
      'primaryauth s',
      'slaveof 1.2.3.4 6379',
      'replicaof no one',
      'cluster-enabled no',
      'cluster-config-file /x',
      'cluster-announce-ip 1.2.3.4',
      'cluster-announce-hostname h',
      'cluster-preferred-endpoint-type hostname',
      'tls-cert-file /c',
      'tls-port 6380',
      'replica-announce-ip 1.1.1.1',
      'protected-mode yes',
      'user alice on >pw ~* +@all',
      'bind-source-addr 10.0.0.1',
    ]) {
      rejects(line, /is managed by the operator/, 'Valkey');
    }
  });

  void it('refuses dangerous directives and values', () => {
    rejects('include /etc/other.conf', /is not allowed/);
    rejects('loadmodule /x.so', /is not allowed/);
    rejects('enable-debug-command yes', /only "no" is allowed/);
    rejects('enable-module-command local', /only "no" is allowed/);
    rejects('enable-protected-configs yes', /only "no" is allowed/);
    rejects('key-load-delay 100', /hidden test\/debug/);
    for (const cmd of [
      'CONFIG',
      'ping',
      'Info',
      'AUTH',
      'HELLO',
      'CLUSTER',
      'REPLICAOF',
      'SLAVEOF',
      'ROLE',
      'FAILOVER',
      'SHUTDOWN',
      'ACL',
      'CLIENT',
    ]) {
      rejects(`rename-command ${cmd} ""`, /must not rename or shadow/);
    }
    rejects('rename-command FLUSHALL config', /shadow CONFIG/);
    // Replication (PSYNC/SYNC/REPLCONF, SELECT/MULTI/EXEC in the replication stream), Sentinel (hello channel, failover
    // transaction, SCRIPT KILL), cluster resharding (RESTORE-ASKING) and our own clients (QUIT) use these.
    for (const cmd of [
      'PSYNC',
      'sync',
      'REPLCONF',
      'MULTI',
      'EXEC',
      'SELECT',
      'PUBLISH',
      'SUBSCRIBE',
      'SCRIPT',
      'RESTORE-ASKING',
      'QUIT',
    ]) {
      rejects(`rename-command ${cmd} ""`, /must not rename or shadow/);
      rejects(`rename-command FLUSHALL ${cmd}`, /must not rename or shadow/);
    }
    rejects('rename-command FLUSHALL "a b"', /letters, digits/);
  });

  void it('refuses control characters anywhere after unquoting (newline and NUL injection)', () => {
    rejects('ignore-warnings "x\\nrename-command CONFIG \\"\\""', /argument 1 contains a control character/);
    rejects('ignore-warnings "a\\x00b"', /control character/);
    rejects('ignore-warnings "a\\rb"', /control character/);
    rejects('ignore-warnings "a\\x1bb"', /control character/);
  });

  void it('knows the Valkey 8 directives only for Valkey', () => {
    ok('dual-channel-replication-enabled yes\nextended-redis-compatibility no\navailability-zone us-east-1a', 'Valkey');
    rejects('dual-channel-replication-enabled yes', /unknown directive \(not a Redis 7\.2 configuration directive\)/);
    rejects('dual-channel-replication-enabled maybe', /'yes' or 'no'/, 'Valkey');
    rejects('maxmemory-samples 100', /between 1 and 64/, 'Valkey');
    ok('maxmemory-samples 100');
  });

  void it('never shows the arguments of a secret-bearing or unknown directive (they reach status, SQS, events, logs)', () => {
    const secret = 'S3cr3tP@ss';
    const lines = [
      `requirepass ${secret}`,
      `masterauth ${secret}`,
      `primaryauth ${secret}`,
      `masteruser ${secret}`,
      `tls-key-file-pass ${secret}`,
      `tls-client-key-file-pass ${secret}`,
      `user alice on >${secret} ~* +@all`,
      `USER alice on #${secret}`,
      `requirepass "${secret}\\nloadmodule /x.so"`,
      `requirepas ${secret}`,
      `mymodule.password ${secret}`,
      `masterauth ${secret} extra`,
    ];
    for (const distribution of ['Official', 'Valkey'] as const) {
      for (const line of lines) {
        const p = problems(line, distribution);
        assert.equal(p.length, 1, `${line} → ${JSON.stringify(p)}`);
        assert.doesNotMatch(p[0] ?? '', new RegExp(secret), line);
      }
      assert.throws(
        () => validateUserConfig(parseRedisConf(lines.join('\n'), 'src'), { distribution }),
        (e: unknown) =>
          e instanceof InvalidConfigError &&
          !e.message.includes(secret) &&
          /line 1: "requirepass \*\*\*": is managed/.test(e.message),
      );
    }
    rejects(`requirepas ${secret}`, /^src line 1: "requirepas": unknown directive/);
    rejects(`tls-key-file-pass ${secret}`, /^src line 1: "tls-key-file-pass \*\*\*": is managed by the operator/);
  });

  void it('keeps showing the value of a known, non-secret directive', () => {
    rejects('maxclients lots', /^src line 1: "maxclients lots": /);
    rejects('dir /tmp', /^src line 1: "dir \/tmp": is managed/);
    rejects('rename-command CONFIG ""', /^src line 1: "rename-command CONFIG """: must not rename/);
  });

  void it('lists every problem at once, each with source, line, directive and reason', () => {
    const text = 'maxclients abc\nport 7000\nfoo bar\nappendonly maybe\nmaxmemory 1gb\nloadmodule /x.so\n';
    assert.throws(
      () => validateUserConfig(parseRedisConf(text, 'applyConfig["redis.conf"]'), { distribution: 'Official' }),
      (e: unknown) => {
        assert.ok(e instanceof InvalidConfigError);
        assert.equal(e.reason, 'InvalidConfiguration');
        assert.match(e.message, /^invalid configuration \(5 problems\):/);
        for (const [line, name] of [
          [1, 'maxclients'],
          [2, 'port'],
          [3, 'foo'],
          [4, 'appendonly'],
          [6, 'loadmodule'],
        ] as const) {
          assert.match(e.message, new RegExp(`- applyConfig\\["redis\\.conf"\\] line ${line}: "${name}[^"]*": `));
        }
        assert.doesNotMatch(e.message, /line 5/);
        return true;
      },
    );
  });
});
