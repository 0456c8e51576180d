/**
 * `npm run package [-- --stage <stage>] [--region <region>] [--param name=value ...]` (also `--stage=<stage>`,
 * `--region=<region>`, `--param=name=value`): build the bundles, then `serverless package` with osls, offline. Stage
 * parameters (serverless.yml `params`, e.g. `subnetIds`) are overridden with `--param`. Any other option is refused
 * rather than silently ignored.
 *
 * Before anything is built, the parameters are checked for what AWS would only reject at deploy time: exactly one of
 * `subnetIds` / `securityGroupIds`, and a work queue whose visibility timeout is shorter than its function's timeout.
 *
 * osls resolves no AWS account for `package` (no `${aws:...}`/`${ssm:...}` in serverless.yml), but the AWS provider
 * still looks for credentials while loading: dummy ones are supplied when none are set, so no real account is ever
 * needed or touched. Output: `.serverless/cloudformation-template-update-stack.json` and one zip per function.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadServerlessConfig, PROJECT_ROOT, type ServerlessConfig } from '../infra/local/serverless-config.ts';
import { buildBundles, formatSizeTable } from './build.ts';

export class PackageError extends Error {
  override name = 'PackageError';
}

export interface PackageOptions {
  stage?: string;
  /** osls `--region` (serverless.yml `provider.region`). Default: serverless.yml's default (us-east-1). */
  region?: string;
  root?: string;
  /** Skip `npm run build` (when the caller just built). */
  skipBuild?: boolean;
  /** Stage parameter overrides, passed to osls as `--param name=value` (serverless.yml `${param:name}`). */
  params?: Record<string, string>;
  /**
   * Where the artefacts go (osls `--package`), relative to root or absolute. Default `.serverless`. osls stages in
   * `.serverless` and copies it over, so another directory must not be inside `.serverless`.
   */
  outDir?: string;
  /** Forward osls output to this process's stdout/stderr. Default false: output is kept for the error message. */
  verbose?: boolean;
}

export interface PackageResult {
  templatePath: string;
  template: {
    Resources: Record<
      string,
      { Type: string; Properties?: Record<string, unknown>; DependsOn?: unknown; Condition?: string }
    >;
    Conditions?: Record<string, unknown>;
    Outputs?: Record<string, { Value: unknown; Description?: string }>;
  };
}

export async function packageService(options: PackageOptions = {}): Promise<PackageResult> {
  const root = options.root ?? PROJECT_ROOT;
  const stage = options.stage ?? 'dev';
  checkParameters(
    loadServerlessConfig({
      path: resolve(root, 'serverless.yml'),
      stage,
      region: options.region,
      params: options.params,
    }),
    options.params ?? {},
  );
  if (!options.skipBuild) await buildBundles({ root });
  const paramArgs = Object.entries(options.params ?? {}).flatMap(([name, value]) => ['--param', `${name}=${value}`]);
  const outArgs = options.outDir !== undefined ? ['--package', options.outDir] : [];
  const regionArgs = options.region !== undefined ? ['--region', options.region] : [];
  await runOsls(['package', '--stage', stage, ...regionArgs, ...outArgs, ...paramArgs], root, options);
  const templatePath = resolve(root, options.outDir ?? '.serverless', 'cloudformation-template-update-stack.json');
  return { templatePath, template: JSON.parse(readFileSync(templatePath, 'utf8')) as PackageResult['template'] };
}

/**
 * What CloudFormation or Lambda would only refuse at deploy time, refused here with the parameter's name:
 * - Lambda needs both subnets and security groups for a VpcConfig; with one of them the `InVpc` condition is true
 *   and `Fn::Split` of the empty other gives `['']`;
 * - an SQS event-source mapping is rejected when the queue's visibility timeout is shorter than the function timeout.
 */
export function checkParameters(config: ServerlessConfig, overrides: Record<string, string>): void {
  const value = (name: string): string => {
    const raw = stageParameter(config, overrides, name);
    return typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
  };
  const [subnets, groups] = [value('subnetIds'), value('securityGroupIds')];
  if ((subnets === '') !== (groups === '')) {
    const [given, missing] = subnets === '' ? ['securityGroupIds', 'subnetIds'] : ['subnetIds', 'securityGroupIds'];
    throw new PackageError(
      `${given} is set but ${missing} is empty: a function joins a VPC only with both (give both, or neither to run outside any VPC)`,
    );
  }
  for (const fn of config.functions) {
    for (const event of fn.sqsEvents) {
      const visibility =
        config.queues.find((q) => q.logicalId === event.queueLogicalId)?.visibilityTimeoutSeconds ?? 30;
      if (visibility < fn.timeoutSeconds)
        throw new PackageError(
          `${event.queueLogicalId}: visibility timeout ${visibility} s is shorter than the ${fn.name} function's timeout ${fn.timeoutSeconds} s (stage ${config.stage}); AWS rejects that event source mapping — raise visibilityTimeout or lower functionTimeout`,
        );
    }
  }
}

/** A stage parameter as osls resolves it: `--param`, then `params.<stage>`, then `params.default`. */
function stageParameter(config: ServerlessConfig, overrides: Record<string, string>, name: string): unknown {
  const params = (config.document.params ?? {}) as Record<string, Record<string, unknown> | undefined>;
  return overrides[name] ?? params[config.stage]?.[name] ?? params.default?.[name];
}

function runOsls(args: string[], cwd: string, options: PackageOptions): Promise<void> {
  const verbose = options.verbose ?? false;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'offline-packaging',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'offline-packaging',
    AWS_REGION: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    // osls's own children (if any) must get Node 24 too, never the system Node 20.
    PATH: `${resolve(cwd, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
  };
  const bin = resolve(cwd, 'node_modules', 'osls', 'bin', 'serverless.js');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer, sink: NodeJS.WriteStream): void => {
      output += chunk.toString();
      if (verbose) sink.write(chunk);
    };
    child.stdout.on('data', (chunk: Buffer) => collect(chunk, process.stdout));
    child.stderr.on('data', (chunk: Buffer) => collect(chunk, process.stderr));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise();
      else reject(new PackageError(`serverless ${args.join(' ')} exited ${code}:\n${output}`));
    });
  });
}

export interface CliOptions {
  stage?: string;
  region?: string;
  params: Record<string, string>;
}

/**
 * The command line after the script name: `--stage`, `--region` and `--param`, each as `--opt value` or
 * `--opt=value` (a param's value is `name=value`), as osls accepts them. Anything else is a PackageError.
 */
export function optionsFromArgv(args: string[]): CliOptions {
  const options: CliOptions = { params: {} };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? splitAt(arg, '=') : [arg, undefined];
    if (flag !== '--stage' && flag !== '--region' && flag !== '--param')
      throw new PackageError(
        `unknown argument "${arg}" (accepted: --stage <stage>, --region <region>, --param <name=value>)`,
      );
    const value = inline ?? args[++i];
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('--')))
      throw new PackageError(`${flag} needs a value`);
    if (flag === '--param') addParam(options.params, value);
    else options[flag === '--stage' ? 'stage' : 'region'] = value;
  }
  return options;
}

function addParam(params: Record<string, string>, text: string): void {
  const [name, value] = splitAt(text, '=');
  if (name === '' || value === undefined) throw new PackageError(`--param ${text}: expected name=value`);
  params[name] = value;
}

function splitAt(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}

async function main(): Promise<void> {
  try {
    const cli = optionsFromArgv(process.argv.slice(2));
    const stage = cli.stage ?? 'dev';
    // Refuse bad parameters before spending a build on them.
    checkParameters(loadServerlessConfig({ stage, region: cli.region, params: cli.params }), cli.params);
    const reports = await buildBundles();
    console.log(formatSizeTable(reports));
    const { templatePath } = await packageService({ ...cli, stage, skipBuild: true, verbose: true });
    console.log(`template: ${templatePath}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
