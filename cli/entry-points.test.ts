/**
 * The commands a new user types first answer from their command line alone: `npx redis-reconfigure --help` through
 * package.json's `bin`, and `npm start` / `npm run local` with --help or a bad switch answer before the bundles are
 * built (the build prints "built <n> bundles"; it must not run) and before redis-server is looked for.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '../infra/local/serverless-config.ts';

function runIn(command: string, args: string[]) {
  const r = spawnSync(command, args, { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const noBuild = (text: string): void => assert.doesNotMatch(text, /built \d+ bundles|redis-server not found/);

describe('entry points answer from the command line alone', { timeout: 300_000 }, () => {
  it('npx redis-reconfigure --help (package.json bin) and a bad flag (exit 2)', () => {
    const help = runIn('npx', ['--no-install', 'redis-reconfigure', '--help']);
    assert.equal(help.code, 0, help.err);
    assert.match(help.out, /usage: redis-reconfigure <command>/);
    const bad = runIn('npx', ['--no-install', 'redis-reconfigure', 'status', '--nope']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--nope/);
  });

  for (const [script, file] of [
    ['start', 'scripts/start.ts'],
    ['local', 'infra/local/cli.ts'],
  ] as const) {
    it(`npm ${script === 'start' ? 'start' : 'run local'} -- --help / a bad switch: no build`, () => {
      const help = runIn('npm', ['run', '--silent', script, '--', '--help']);
      assert.equal(help.code, 0, help.err);
      assert.match(help.out, /usage: npm/);
      noBuild(help.out + help.err);
      const bad = runIn(process.execPath, [file, '--no-such-switch']);
      assert.equal(bad.code, 2);
      assert.match(bad.err, /--no-such-switch/);
      noBuild(bad.out + bad.err);
    });
  }
});
