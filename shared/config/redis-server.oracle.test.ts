/**
 * The differential's oracle lines and the live CONFIG SET path on the real redis-server (7.0.x on PATH, loopback):
 * an extension of redis-server.boundary.test.ts for the version-true validation and live apply (ADR 0011).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { configSetArguments, restartOnlyReason } from './live-apply.ts';
import { parseRedisConf, quoteArg } from './parse.ts';
import { planReconfigure } from './plan-reconfigure.ts';
import { HOST, runToExit, startServer } from './redis-server-harness.ts';
import { configProblems } from './validate.ts';
import { compareWithConfigGet, expectedRuntimeValues } from './verify.ts';
import { tableForVersion } from './versions.ts';

/** The local redis-server is 7.0.15: judged against the Redis 7.0 table. */
const R70 = { distribution: 'Official' as const, table: tableForVersion({ version: '7.0.15' }) };

/**
 * The differential's oracle lines (docs/config-semantics.md): for each, what redis-server 7.0.15 does at start. The
 * validator, judging against Redis 7.0, must decide the same.
 */
const ORACLE: ReadonlyArray<{ conf: string; engine: 'accept' | 'refuse' }> = [
  { conf: 'rename-command nosuchcmd foo', engine: 'refuse' },
  { conf: 'rename-command keys get', engine: 'refuse' },
  { conf: 'rename-command waitaof x', engine: 'refuse' }, // WAITAOF arrived in 7.2
  { conf: 'rename-command keys k2\nrename-command keys k3', engine: 'refuse' },
  { conf: 'loglevel nothing', engine: 'refuse' }, // 7.2+
  { conf: 'set-max-listpack-entries 128', engine: 'refuse' }, // 7.2+
  { conf: 'client-output-buffer-limit master 0 0 0', engine: 'refuse' },
  { conf: 'save "900 1 300 10"', engine: 'accept' },
  { conf: 'client-output-buffer-limit "normal 0 0 0"', engine: 'accept' },
  { conf: 'oom-score-adj-values "0 200 800"', engine: 'accept' },
  { conf: 'latency-tracking-info-percentiles "50 99"', engine: 'accept' },
  { conf: 'shutdown-on-sigterm "save now"', engine: 'accept' },
  { conf: 'proc-title-template "{listen-addr} {server-mode}"', engine: 'accept' },
  { conf: 'rename-command keys ""', engine: 'accept' },
  { conf: 'rename-command keys k2\nrename-command k2 k3', engine: 'accept' },
];

void describe('boundary: the oracle lines against redis-server 7.0', () => {
  const dir = mkdtempSync(join(tmpdir(), 'config-oracle-'));
  const started: ChildProcess[] = [];
  after(async () => {
    for (const proc of started) {
      if (proc.exitCode !== null || proc.signalCode !== null) continue;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const base = (port: number): string => `port ${port}\nbind ${HOST}\ndaemonize no\nsave ""\ndir ${quoteArg(dir)}\n`;

  void it('the validator accepts exactly what redis-server accepts at start', async () => {
    const results = await Promise.all(
      ORACLE.map(async ({ conf, engine }, i) => {
        const path = join(dir, `oracle-${i}.conf`);
        writeFileSync(path, `${base(0)}${conf}\n`);
        const exit = await runToExit([path], dir);
        const server = exit.output.includes('FATAL CONFIG FILE ERROR') ? 'refuse' : 'accept';
        const validator = configProblems(parseRedisConf(conf, 'oracle'), R70).length > 0 ? 'refuse' : 'accept';
        return { conf, engine, server, validator };
      }),
    );
    assert.deepEqual(
      results.filter((r) => r.server !== r.engine || r.validator !== r.engine),
      [],
    );
  });

  void it('an overflow the server would silently wrap is refused, saying so (save changes above INT_MAX)', async () => {
    const line = 'save 900 99999999999';
    assert.match(configProblems(parseRedisConf(line, 'o'), R70).join(''), /silently wrap/);
    const port = await startServer((p) => `${base(p)}${line}\n`, dir, started);
    const probe = new Redis({
      host: HOST,
      port,
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    await probe.connect();
    try {
      const [, save] = (await probe.call('CONFIG', 'GET', 'save')) as string[];
      assert.notEqual(save, '900 99999999999', 'the server stored another value than written');
    } finally {
      await probe.quit();
    }
  });

  void it('ONE multi-parameter CONFIG SET from configSetArguments brings a running 7.0 server to the new config', async () => {
    const current = {
      inline: { 'redis.conf': 'maxclients 500\nclient-output-buffer-limit pubsub 64mb 16mb 60\nsave 900 1\n' },
    };
    const before = planReconfigure({
      current: {},
      request: { applyConfig: current.inline },
      configKey: 'redis.conf',
      mode: 'Standalone',
      distribution: 'Official',
      version: { version: '7.0.15' },
    });
    const port = await startServer(
      (p) => `${before.effectiveConfig.replace(/^dir \/data$/m, '')}${base(p)}`.replace(/^save ""$/m, ''),
      dir,
      started,
    );
    const next = planReconfigure({
      current,
      request: { removeCustomConfig: true, applyConfig: { 'redis.conf': 'maxmemory 1gb\nsave "300 10 60 1000"\n' } },
      configKey: 'redis.conf',
      mode: 'Standalone',
      distribution: 'Official',
      version: { version: '7.0.15' },
    });
    assert.equal(next.live.path, 'live');
    const { args, unresolved } = configSetArguments(next.changed, next.effectiveConfig, R70.table);
    assert.deepEqual(unresolved, []);
    const probe = new Redis({
      host: HOST,
      port,
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    await probe.connect();
    try {
      assert.equal(await probe.call('CONFIG', 'SET', ...args), 'OK');
      const expected = expectedRuntimeValues(next.changed, next.effectiveConfig, R70.table);
      const flat = (await probe.call('CONFIG', 'GET', ...expected.map((e) => e.parameter))) as string[];
      const got: Record<string, string> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) got[flat[i] ?? ''] = flat[i + 1] ?? '';
      assert.deepEqual(compareWithConfigGet(expected, got), []);
      assert.equal(got.maxclients, '10000'); // removed → the 7.0 default
      // A directive classified restart-only is refused by CONFIG SET (IMMUTABLE_CONFIG).
      assert.match(restartOnlyReason('databases', R70.table) ?? '', /IMMUTABLE/);
      await assert.rejects(probe.call('CONFIG', 'SET', 'databases', '32'), /immutable/i);
    } finally {
      await probe.quit();
    }
  });
});
