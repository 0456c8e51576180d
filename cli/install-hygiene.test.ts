/**
 * Install hygiene, from the lockfile: `npm ci` on the lowest Node that package.json's `engines` (and the README)
 * name prints no EBADENGINE warning — npm checks every installed package's `engines.node` against the Node running
 * it (https://docs.npmjs.com/cli/v11/configuring-npm/package-json#engines) — and every package with an install
 * script is covered by `allowScripts` (npm ≥ 11.16 warns about the others).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '../infra/local/serverless-config.ts';

// semver is in the tree through the dev tools (typescript-eslint, osls); npm itself evaluates `engines` with it.
const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};

interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
  hasInstallScript?: boolean;
}

const read = (file: string): unknown => JSON.parse(readFileSync(join(PROJECT_ROOT, file), 'utf8'));
const pkg = read('package.json') as { engines: { node: string }; allowScripts?: Record<string, boolean> };
const lock = read('package-lock.json') as { packages: Record<string, LockEntry> };
const nameOf = (path: string): string => path.replace(/^.*node_modules\//, '');

describe('install hygiene', () => {
  const lowest = semver.minVersion(pkg.engines.node)?.version ?? '';

  it(`every installed package accepts the lowest Node that engines names (${pkg.engines.node})`, () => {
    const refusing = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && !Array.isArray(p.engines) && p.engines?.node !== undefined)
      .filter(([, p]) => !semver.satisfies(lowest, (p.engines as { node: string }).node))
      .map(([path, p]) => `${nameOf(path)} (${(p.engines as { node: string }).node})`);
    assert.deepEqual(refusing, []);
  });

  it('the README names the same Node', () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    assert.match(readme, new RegExp(`Node ≥ ${pkg.engines.node.replace(/^>=/, '').replace('.', '\\.')} with npm`));
  });

  it('every install script is allowed or denied in allowScripts', () => {
    const uncovered = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.hasInstallScript === true)
      .map(([path]) => nameOf(path))
      .filter((name) => pkg.allowScripts?.[name] === undefined);
    assert.deepEqual(uncovered, []);
  });
});
