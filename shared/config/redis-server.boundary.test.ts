/**
 * Boundary test on a real redis-server (7.0.x on PATH): the config we build is accepted, CONFIG GET reports what
 * expectedRuntimeValues predicts, and values the validator rejects as wrong type are also refused by the server.
 * The rule under test: the validator never accepts what redis-server refuses (for these samples).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { InvalidConfigError } from '../errors.ts';
import { HOST, runToExit, startServer } from './redis-server-harness.ts';
import { defaultRuntimeValue, lookupFlag } from './flags.ts';
import { normaliseReported } from './normalise.ts';
import { parseRedisConf, quoteArg } from './parse.ts';
import { planReconfigure } from './plan-reconfigure.ts';
import { configProblems } from './validate.ts';
import { tableForVersion } from './versions.ts';
import { compareWithConfigGet, expectedRuntimeValues } from './verify.ts';

/** Valid for the validator and for redis-server 7.0 (7.2-only directives are deliberately absent). */
const ACCEPTED = `
maxmemory 100mb
maxmemory-policy ALLKEYS-LRU
maxmemory-samples 7
maxmemory-clients 10%
appendonly no
appendfsync always
loglevel warning
save 900 1
save 300 10
client-output-buffer-limit pubsub 64mb 16mb 90
client-output-buffer-limit replica 512mb 128mb 120 normal 1gb 512mb 0
hash-max-listpack-value 1kb
hash-max-ziplist-entries 256
zset-max-listpack-value 128
proto-max-bulk-len 64mb
client-query-buffer-limit 2gb
repl-backlog-size 10m
active-defrag-ignore-bytes 200mb
auto-aof-rewrite-min-size 32mb
stream-node-max-bytes 8kb
lazyfree-lazy-eviction YES
activerehashing no
stop-writes-on-bgsave-error no
notify-keyspace-events Ex
oom-score-adj-values 0 100 900
latency-tracking-info-percentiles 50 99.9
hz 20
timeout 300
tcp-keepalive 60
databases 32
repl-diskless-load on-empty-db
acl-pubsub-default allchannels
sanitize-dump-payload clients
propagation-error-behavior panic-on-replicas
shutdown-on-sigterm nosave now
slowlog-log-slower-than -1
slowlog-max-len 256
list-max-listpack-size -3
maxclients 500
lua-time-limit 4000
slave-priority 50
min-replicas-max-lag 20
cluster-node-timeout 7000
tls-auth-clients optional
rename-command FLUSHALL ""
ignore-warnings ARM64-COW-BUG
proc-title-template "{title} {listen-addr} {server-mode} {port}"
`;

/** Wrong-type values: the validator and redis-server 7.0 must both refuse each one. */
const REJECTED = [
  'maxmemory 1tb',
  'maxmemory -1',
  'maxmemory 1.5gb',
  'maxclients 0',
  'appendonly maybe',
  'maxmemory-policy lru',
  'hz 10.5',
  'timeout 007',
  'tcp-keepalive 1k',
  'active-expire-effort 11',
  'save 0 1',
  'save 900',
  'client-output-buffer-limit master 0 0 0',
  'client-output-buffer-limit normal 1tb 0 0',
  'repl-diskless-load yes',
  'client-query-buffer-limit 1000',
  'notify-keyspace-events Q',
  'latency-tracking-info-percentiles 101',
  'maxmemory-clients 101%',
  'oom-score-adj-values 0 200 3000',
  'proc-title-template "{title} {nope}"',
  'shutdown-on-sigint save nosave',
  'appendonly "yes"no',
  'maxclients 1 2',
  'maxmemmory 1gb',
  'proc-title-template "{title}"',
  'proc-title-template " {title} {server-mode}"',
];

/** The local redis-server is 7.0.15: judged against the Redis 7.0 table. */
const R70 = { distribution: 'Official' as const, table: tableForVersion({ version: '7.0.15' }) };

/** Accepted by the validator and by redis-server, which stores another value than the one written (CONFIG GET shows it). */
const CLAMPED = ['hz 0', 'hz 1000', 'hz 501', 'hz 500', 'hz 1'];

void describe('boundary: real redis-server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'config-boundary-'));
  const started: ChildProcess[] = [];
  let client: Redis | undefined;
  const actual: Record<string, string> = {};
  const plan = planReconfigure({
    current: {},
    request: { configSecret: { name: 'boundary', conf: ACCEPTED } },
    configKey: 'redis.conf',
    mode: 'Standalone',
    distribution: 'Official',
    version: { version: '7.0.15' },
  });

  before(async () => {
    // The pods run from /data; here the data dir is a temp dir. Replaced in place: redis chdir()s while reading.
    const conf = (port: number): string =>
      `${plan.effectiveConfig.replace(/^dir \/data$/m, `dir ${quoteArg(dir)}`)}port ${port}\nbind ${HOST}\ndaemonize no\n`;
    const port = await startServer(conf, dir, started);
    client = new Redis({ host: HOST, port, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    await client.connect();
    const flat = (await client.call('CONFIG', 'GET', '*')) as string[];
    for (let i = 0; i + 1 < flat.length; i += 2) actual[flat[i] ?? ''] = flat[i + 1] ?? '';
  });

  after(async () => {
    if (client) await client.quit().catch((err: unknown) => console.error('closing the boundary client failed', err));
    for (const proc of started) {
      if (proc.exitCode !== null || proc.signalCode !== null) continue;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  void it('the validator accepts the sample config', () => {
    assert.deepEqual(configProblems(parseRedisConf(ACCEPTED, 'sample'), R70), []);
  });

  void it('CONFIG GET reports every changed directive as expectedRuntimeValues predicts', () => {
    const expected = expectedRuntimeValues(plan.changed, plan.effectiveConfig, R70.table);
    assert.ok(expected.length >= 40, `expected many parameters, got ${expected.length}`);
    assert.deepEqual(compareWithConfigGet(expected, actual), []);
  });

  void it('the flags table defaults match the server for parameters the config does not set', () => {
    const set = new Set(parseRedisConf(plan.effectiveConfig, 'e').map((d) => d.name));
    const processDependent = new Set(['port', 'bind', 'dir', 'daemonize', 'appendonly', 'protected-mode']);
    const mismatches = Object.entries(actual).flatMap(([param, value]) => {
      const flag = lookupFlag(param, R70.table);
      const def = defaultRuntimeValue(param, R70.table);
      if (!flag || def === undefined || set.has(flag.name) || processDependent.has(flag.name)) return [];
      return normaliseReported(param, value) === normaliseReported(param, def) ? [] : [{ param, value, def }];
    });
    assert.deepEqual(mismatches, []);
  });

  void it('values the server clamps at start are expected clamped (hz outside 1..500)', async () => {
    const results = await Promise.all(
      CLAMPED.map(async (line) => {
        const changed = parseRedisConf(line, 'clamped').map((d) => ({
          name: d.name,
          key: d.name,
          before: undefined,
          after: d.args,
        }));
        assert.deepEqual(configProblems(parseRedisConf(line, 'clamped'), R70), [], line);
        const expected = expectedRuntimeValues(changed, `${line}\n`);
        const port = await startServer(
          (p) => `port ${p}\nbind ${HOST}\ndaemonize no\nsave ""\ndir ${quoteArg(dir)}\n${line}\n`,
          dir,
          started,
        );
        const probe = new Redis({
          host: HOST,
          port,
          lazyConnect: true,
          maxRetriesPerRequest: 1,
          retryStrategy: () => null,
        });
        try {
          await probe.connect();
          const flat = (await probe.call('CONFIG', 'GET', ...expected.map((e) => e.parameter))) as string[];
          const got: Record<string, string> = {};
          for (let i = 0; i + 1 < flat.length; i += 2) got[flat[i] ?? ''] = flat[i + 1] ?? '';
          return { line, mismatches: compareWithConfigGet(expected, got) };
        } finally {
          await probe.quit();
        }
      }),
    );
    assert.deepEqual(
      results.filter((r) => r.mismatches.length > 0),
      [],
    );
  });

  void it('redis-server refuses (FATAL CONFIG FILE ERROR) every wrong-type sample the validator rejects', async () => {
    const results = await Promise.all(
      REJECTED.map(async (line, i) => {
        let validatorRejects: boolean;
        try {
          validatorRejects = configProblems(parseRedisConf(line, 'sample'), R70).length > 0;
        } catch (err) {
          if (!(err instanceof InvalidConfigError)) throw err;
          validatorRejects = true;
        }
        // port 0 + loopback bind first: should a sample be accepted, the server must not listen anywhere real.
        const path = join(dir, `reject-${i}.conf`);
        writeFileSync(path, `port 0\nbind ${HOST}\ndir ${quoteArg(dir)}\n${line}\n`);
        const exit = await runToExit([path], dir);
        return {
          line,
          validatorRejects,
          serverRefuses: exit.code !== 0 && exit.output.includes('FATAL CONFIG FILE ERROR'),
        };
      }),
    );
    assert.deepEqual(
      results.filter((r) => !r.validatorRejects || !r.serverRefuses),
      [],
    );
  });
});
