/**
 * `npm run package [-- --stage <stage>] [-- --param name=value ...]`: build the bundles, then `serverless package`
 * with osls, offline. Stage parameters (serverless.yml `params`, e.g. `subnetIds`) are overridden with `--param`.
 *
 * osls resolves no AWS account for `package` (no `${aws:...}`/`${ssm:...}` in serverless.yml), but the AWS provider
 * still looks for credentials while loading: dummy ones are supplied when none are set, so no real account is ever
 * needed or touched. Output: `.serverless/cloudformation-template-update-stack.json` and one zip per function.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from '../infra/local/serverless-config.ts';
import { buildBundles, formatSizeTable } from './build.ts';

export class PackageError extends Error {
  override name = 'PackageError';
}

export interface PackageOptions {
  stage?: string;
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
    Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: unknown; Condition?: string }>;
    Conditions?: Record<string, unknown>;
    Outputs?: Record<string, { Value: unknown; Description?: string }>;
  };
}

export async function packageService(options: PackageOptions = {}): Promise<PackageResult> {
  const root = options.root ?? PROJECT_ROOT;
  const stage = options.stage ?? 'dev';
  if (!options.skipBuild) await buildBundles({ root });
  const paramArgs = Object.entries(options.params ?? {}).flatMap(([name, value]) => ['--param', `${name}=${value}`]);
  const outArgs = options.outDir !== undefined ? ['--package', options.outDir] : [];
  await runOsls(['package', '--stage', stage, ...outArgs, ...paramArgs], root, options.verbose ?? false);
  const templatePath = resolve(root, options.outDir ?? '.serverless', 'cloudformation-template-update-stack.json');
  return { templatePath, template: JSON.parse(readFileSync(templatePath, 'utf8')) as PackageResult['template'] };
}

function runOsls(args: string[], cwd: string, verbose: boolean): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'offline-packaging',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'offline-packaging',
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
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

function stageFromArgv(argv: string[]): string {
  const index = argv.indexOf('--stage');
  return index >= 0 && argv[index + 1] ? argv[index + 1]! : 'dev';
}

/** `--param name=value` and `--param=name=value`, as osls itself accepts them. */
export function paramsFromArgv(argv: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  argv.forEach((arg, i) => {
    const raw = arg === '--param' ? argv[i + 1] : arg.startsWith('--param=') ? arg.slice('--param='.length) : undefined;
    const eq = raw?.indexOf('=') ?? -1;
    if (raw === undefined || eq <= 0) return;
    params[raw.slice(0, eq)] = raw.slice(eq + 1);
  });
  return params;
}

async function main(): Promise<void> {
  try {
    const reports = await buildBundles();
    console.log(formatSizeTable(reports));
    const { templatePath } = await packageService({
      stage: stageFromArgv(process.argv),
      params: paramsFromArgv(process.argv),
      skipBuild: true,
      verbose: true,
    });
    console.log(`template: ${templatePath}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
