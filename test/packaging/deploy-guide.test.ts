/**
 * docs/deploy.md against the repository: the parameter table is serverless.yml's `params` (names and defaults), every
 * `--param` it shows exists, the environment it lists is what the functions get, the outputs it names are declared,
 * and every repository path and `npm run` script it mentions exists. A guide that drifts from the code fails here.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadServerlessConfig, PROJECT_ROOT } from '../../infra/local/serverless-config.ts';

const guide = readFileSync(resolve(PROJECT_ROOT, 'docs/deploy.md'), 'utf8');
const section = (number: number): string => guide.split(/^## /m).find((s) => s.startsWith(`${number}. `)) ?? '';
const config = loadServerlessConfig({ stage: 'dev' });
const params = config.document.params as Record<string, Record<string, unknown>>;

describe('docs/deploy.md matches the repository', () => {
  it('§2 lists every stage parameter of serverless.yml once, with its default (and the local one when it differs)', () => {
    const rows = [...section(2).matchAll(/^\| `(\w+)` \| (.+?) \|/gm)].map(([, name, defaults]) => ({
      name: name!,
      defaults: defaults!,
    }));
    assert.deepEqual(rows.map((r) => r.name).sort(), Object.keys(params.default!).sort());
    for (const { name, defaults } of rows) {
      const literal = /^`([^`]*)`/.exec(defaults)?.[1];
      if (literal !== undefined)
        assert.equal(literal === "''" ? '' : literal, String(params.default![name]), `${name} default`);
      const local = /\(`local`: ([^)]+)\)/.exec(defaults)?.[1];
      assert.equal(
        local,
        params.local?.[name] === undefined ? undefined : String(params.local[name] as string | number),
        `${name} local value`,
      );
    }
  });

  it('every --param it shows names a parameter', () => {
    const shown = [...guide.matchAll(/--param[= ]"?'?(\w+)=/g)].map(([, name]) => name!).filter((n) => n !== 'name');
    assert.ok(shown.length >= 5, `found only ${shown.length} --param uses`);
    for (const name of shown) assert.ok(name in params.default!, `--param ${name}`);
  });

  it('§2 lists exactly the environment every function gets', () => {
    const paragraph = /Every function gets the same environment:([\s\S]+?)\n\n/.exec(section(2))?.[1] ?? '';
    const listed = [...paragraph.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map(([, name]) => name!);
    const rolloutOnly = /The rollout function also gets:([\s\S]+?)\n\n/.exec(section(2))?.[1] ?? '';
    const extra = [...rolloutOnly.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map(([, name]) => name!);
    for (const fn of config.functions) {
      const expected = fn.name === 'rollout' ? [...listed, ...extra] : listed;
      assert.deepEqual([...expected].sort(), Object.keys(fn.environment).sort(), fn.name);
    }
  });

  it('the stack outputs it names are declared', () => {
    const outputs = Object.keys((config.document.resources as { Outputs: Record<string, unknown> }).Outputs);
    // The §3 table, the `output <name>` helper of §4 and the role loop of §5.
    const named = [
      ...[...section(3).matchAll(/^\| (.+?) \|/gm)].flatMap(([, cell]) =>
        [...cell!.matchAll(/`(\w+)`/g)].map(([, n]) => n!),
      ),
      ...[...guide.matchAll(/\$\(output (\w+)\)/g)].map(([, n]) => n!),
      ...(/for role in ([\w ]+);/.exec(guide)?.[1]?.split(' ') ?? []),
    ];
    for (const name of new Set(named)) assert.ok(outputs.includes(name), `output ${name}`);
    for (const name of ['HaltQueueUrl', 'ForwarderSendPolicyArn', 'EventsTopicArn', 'HaltRoleArn'])
      assert.ok(named.includes(name), name);
  });

  it('every repository path and npm script it mentions exists', () => {
    const paths = [
      ...guide.matchAll(/(?<![\w/.-])((?:infra|scripts|shared|functions|docs|test|examples)\/[\w./-]*[\w])/g),
    ]
      .map(([, path]) => path!)
      .filter((path) => !/[$<*]/.test(path));
    assert.ok(paths.length >= 10, `found only ${paths.length} paths`);
    for (const path of new Set(paths)) assert.ok(existsSync(resolve(PROJECT_ROOT, path)), path);
    const scripts = (
      JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    for (const [, script] of guide.matchAll(/npm run (\w+)/g)) assert.ok(script! in scripts, `npm run ${script}`);
  });
});
