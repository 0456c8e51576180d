/**
 * `npm run package` arguments and the parameter checks it makes before building — what AWS would otherwise only
 * refuse at deploy time. No osls run here: the checks read serverless.yml through the same loader the local stack uses,
 * and the CLI is run as a child process only where it fails before building anything.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadServerlessConfig, PROJECT_ROOT } from '../../infra/local/serverless-config.ts';
import { checkParameters, optionsFromArgv, PackageError } from '../../scripts/package.ts';

const check = (stage: string, params: Record<string, string> = {}): void =>
  checkParameters(loadServerlessConfig({ stage, params }), params);

/** Runs `scripts/package.ts` with these arguments; only for cases refused before the build starts. */
function runCli(args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [resolve(PROJECT_ROOT, 'scripts/package.ts'), ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr };
}

describe('npm run package: arguments', () => {
  it('accepts --stage, --region and --param, each as "--opt value" or "--opt=value"', () => {
    const expected = { stage: 'prod', region: 'eu-west-1', params: { a: 'b=c', subnetIds: 'subnet-1,subnet-2' } };
    assert.deepEqual(
      optionsFromArgv([
        '--stage',
        'prod',
        '--region',
        'eu-west-1',
        '--param',
        'a=b=c',
        '--param',
        'subnetIds=subnet-1,subnet-2',
      ]),
      expected,
    );
    assert.deepEqual(
      optionsFromArgv(['--stage=prod', '--region=eu-west-1', '--param=a=b=c', '--param=subnetIds=subnet-1,subnet-2']),
      expected,
    );
    assert.deepEqual(optionsFromArgv([]), { params: {} });
  });

  it('refuses what it would otherwise ignore: unknown options, missing values, a param without "="', () => {
    for (const [args, message] of [
      [['--stag', 'prod'], /unknown argument "--stag"/],
      [['prod'], /unknown argument "prod"/],
      [['--stage'], /--stage needs a value/],
      [['--stage', '--region', 'x'], /--stage needs a value/],
      [['--region='], /--region needs a value/],
      [['--param', 'subnetIds'], /--param subnetIds: expected name=value/],
    ] as const) {
      assert.throws(
        () => optionsFromArgv([...args]),
        (err: Error) => err instanceof PackageError && message.test(err.message),
      );
    }
  });

  it('the CLI exits 1 with the message, before building anything', () => {
    const unknown = runCli(['--stage=prod', '--verbose']);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /unknown argument "--verbose"/);
    const vpc = runCli(['--stage=prod', '--param=subnetIds=subnet-0aa']);
    assert.equal(vpc.status, 1);
    assert.match(vpc.stderr, /subnetIds is set but securityGroupIds is empty/);
  });
});

describe('npm run package: parameter checks', () => {
  it('every stage in serverless.yml passes as it is, the local one included', () => {
    for (const stage of ['dev', 'prod', 'local']) check(stage);
  });

  it('the local stage keeps the visibility timeout ≥ the function timeout, as AWS requires of an event source mapping', () => {
    const local = loadServerlessConfig({ stage: 'local' });
    // The scheduled drift function has no event source mapping.
    for (const fn of local.functions.filter((f) => f.sqsEvents.length > 0)) {
      const queue = local.queues.find((q) => q.logicalId === fn.sqsEvents[0]!.queueLogicalId)!;
      assert.ok(
        queue.visibilityTimeoutSeconds! >= fn.timeoutSeconds,
        `${fn.name}: ${queue.visibilityTimeoutSeconds} ≥ ${fn.timeoutSeconds}`,
      );
    }
  });

  it('refuses exactly one of subnetIds / securityGroupIds, naming both', () => {
    assert.throws(
      () => check('prod', { subnetIds: 'subnet-0aa' }),
      /subnetIds is set but securityGroupIds is empty: a function joins a VPC only with both/,
    );
    assert.throws(
      () => check('prod', { securityGroupIds: 'sg-0cc' }),
      /securityGroupIds is set but subnetIds is empty/,
    );
    assert.throws(() => check('prod', { subnetIds: 'subnet-0aa', securityGroupIds: ' ' }), PackageError);
    check('prod', { subnetIds: 'subnet-0aa', securityGroupIds: 'sg-0cc' });
  });

  it('refuses a visibility timeout shorter than the function timeout, naming the queue, the function and the parameters', () => {
    assert.throws(
      () => check('prod', { visibilityTimeout: '20' }),
      /HaltQueue: visibility timeout 20 s is shorter than the halt function's timeout 30 s.*visibilityTimeout.*functionTimeout/,
    );
    assert.throws(
      () => check('local', { functionTimeout: '11' }),
      /visibility timeout 10 s is shorter than .* 11 s \(stage local\)/,
    );
    check('prod', { visibilityTimeout: '30' });
  });
});
