/**
 * The Valkey 8.0 directive table and command list against a real valkey-server 8.0.x (installed by
 * scripts/ensure-redis-server.sh when it can; skipped otherwise): every CONFIG GET name and every top-level command
 * the server has is in the table, and nothing more; a few version-true decisions agree with the server at start.
 */
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { isOutsideTable } from './flags.ts';
import { parseRedisConf, quoteArg } from './parse.ts';
import { HOST, runToExit, startServer } from './redis-server-harness.ts';
import { configProblems } from './validate.ts';
import { tableForVersion } from './versions.ts';

const version = spawnSync('valkey-server', ['--version'], { encoding: 'utf8' });
const v = /v=(\d+\.\d+\.\d+)/.exec(version.stdout ?? '')?.[1];
const skip = v === undefined || !v.startsWith('8.0.') ? `no valkey-server 8.0.x on PATH (${v ?? 'none'})` : false;

void describe('boundary: real valkey-server 8.0', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'config-valkey-'));
  const started: ChildProcess[] = [];
  const table = tableForVersion({ version: v ?? '8.0.0', distribution: 'Valkey' });
  const ctx = { distribution: 'Valkey' as const, table };
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

  void it('CONFIG GET * and COMMAND LIST are exactly the Valkey 8.0 table (names + aliases, hidden ones excluded)', async () => {
    const port = await startServer(base, dir, started, 'valkey-server');
    const probe = new Redis({
      host: HOST,
      port,
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    await probe.connect();
    try {
      const flat = (await probe.call('CONFIG', 'GET', '*')) as string[];
      const live = new Set(flat.filter((_, i) => i % 2 === 0));
      const ours = new Set<string>();
      for (const f of table.flags) {
        if (isOutsideTable(f) || f.flags.includes('HIDDEN_CONFIG') || f.rawDefault.startsWith('(deprecated')) continue;
        ours.add(f.name);
        if (f.alias) ours.add(f.alias);
      }
      assert.deepEqual([...live].filter((n) => !ours.has(n)).sort(), []);
      assert.deepEqual([...ours].filter((n) => !live.has(n)).sort(), []);
      const commands = ((await probe.call('COMMAND', 'LIST')) as string[]).filter((c) => !c.includes('|')).sort();
      assert.deepEqual(commands, [...table.commands]);
    } finally {
      await probe.quit();
    }
  });

  void it('the validator (Valkey 8.0) decides as valkey-server does at start', async () => {
    const samples: ReadonlyArray<{ conf: string; engine: 'accept' | 'refuse' }> = [
      { conf: 'log-format logfmt', engine: 'refuse' }, // Valkey 8.1+
      { conf: 'commandlog-reply-larger-than 4096', engine: 'refuse' }, // Valkey 8.1+
      { conf: 'maxmemory-samples 65', engine: 'refuse' }, // capped at 64 in Valkey 8
      { conf: 'rename-command hexpire x', engine: 'refuse' }, // HEXPIRE arrived in Valkey 9.0
      { conf: 'dual-channel-replication-enabled yes', engine: 'accept' },
      { conf: 'primaryauth secret', engine: 'accept' }, // (operator-owned in our policy; the engine accepts it)
      { conf: 'save "900 1 300 10"', engine: 'accept' },
    ];
    const results = await Promise.all(
      samples.map(async ({ conf, engine }, i) => {
        const path = join(dir, `valkey-${i}.conf`);
        writeFileSync(path, `${base(0)}${conf}\n`);
        const exit = await runToExit([path], dir, 'valkey-server');
        const server = exit.output.includes('FATAL CONFIG FILE ERROR') ? 'refuse' : 'accept';
        const problems = configProblems(parseRedisConf(conf, 'sample'), ctx);
        // Policy refusals (operator-owned) are not engine decisions: only the version-true ones are compared.
        const validator = problems.some((p) => !p.includes('managed by the operator')) ? 'refuse' : 'accept';
        return { conf, engine, server, validator };
      }),
    );
    assert.deepEqual(
      results.filter((r) => r.server !== r.engine || r.validator !== r.engine),
      [],
    );
  });
});
