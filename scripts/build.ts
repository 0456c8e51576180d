/**
 * `npm run build`: one esbuild bundle per Lambda function declared in serverless.yml, plus the forwarder.
 *
 * - Lambdas: `functions/<name>/handler.ts` → `dist/<name>/index.mjs`. The Node.js Lambda runtime ships the AWS SDK
 *   v3, so `@aws-sdk/*` and `@smithy/*` stay external (smaller bundle, faster cold start).
 * - Forwarder: `functions/forwarder/main.ts` → `dist/forwarder/index.mjs`, self-contained (SDK bundled in) because
 *   it runs in a container image, not on the Lambda runtime.
 * ESM bundles that inline CommonJS dependencies need a real `require`: the banner provides one.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { loadServerlessConfig, PROJECT_ROOT } from '../infra/local/serverless-config.ts';
import {
  clientNodeSideEffectFree,
  debugWhenEnabled,
  jsonByParse,
  nodeHttpByRequire,
  undiciUnavailable,
} from './build-plugins.ts';

export class BuildError extends Error {
  override name = 'BuildError';
}

const REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * Size budgets (bytes of the minified bundle, source map excluded). A Lambda function's cold start grows with the code
 * it must load and compile: 1 MB (10^6 bytes) each (docs/benchmarks.md measures the cold import). The forwarder is a long-running container, not a
 * Lambda: its budget catches regressions of its resident memory (code stays compiled and in memory while it runs; it
 * bundles the SQS SDK, which the Lambda runtime provides to the functions).
 */
export const LAMBDA_BUDGET_BYTES = 1_000_000;
export const FORWARDER_BUDGET_BYTES = 1_000_000;

/**
 * client-node's generated API (ObjectParamAPI and the per-group API classes) drags its whole model set and undici in;
 * a bundle that imports it would also fail at run time (undici is stubbed out): the build refuses it instead.
 */
const GENERATED_API = /@kubernetes\/client-node\/dist\/(gen\/types\/|gen\/apis\/(?!exception\.js)|api\.js)/;

export interface BuildOptions {
  root?: string;
  outDir?: string;
  serverlessYml?: string;
  /** Skip the forwarder (it is not a Lambda). Default: built. */
  forwarder?: boolean;
  /** Override the budgets (tests). */
  lambdaBudgetBytes?: number;
  forwarderBudgetBytes?: number;
}

export interface BundleReport {
  bundle: string;
  file: string;
  bytes: number;
  gzipBytes: number;
  /**
   * The project's source files that put code into this bundle (esbuild metafile, relative to root, `/`-separated;
   * files tree-shaken to nothing left out). What the bundle can do is what these files do: the packaging test derives
   * each function's queue sends from them.
   */
  inputs: string[];
  /** Bytes of the bundle per npm package (`(own)` for the project's code), largest first. */
  packages: Array<{ name: string; bytes: number }>;
  /** Whether client-node's generated API is in the bundle (refused for Lambdas). */
  generatedApi: boolean;
}

/** The package an esbuild input belongs to: the last `node_modules/<name>` in its path (nested copies included). */
function packageOf(input: string): string {
  const match = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match?.[1] ?? '(own)';
}

function bytesByPackage(inputs: Record<string, { bytesInOutput: number }>): Array<{ name: string; bytes: number }> {
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(inputs))
    totals.set(packageOf(input), (totals.get(packageOf(input)) ?? 0) + bytesInOutput);
  return [...totals]
    .filter(([, bytes]) => bytes > 0)
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes);
}

const COMMON: esbuild.BuildOptions = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  minify: true,
  sourcemap: true,
  outExtension: { '.js': '.mjs' },
  banner: { js: REQUIRE_BANNER },
  logLevel: 'silent',
  metafile: true,
};

/** Builds every bundle in parallel; rejects with esbuild's error (which lists every failure) if any fails. */
export async function buildBundles(options: BuildOptions = {}): Promise<BundleReport[]> {
  const root = options.root ?? PROJECT_ROOT;
  const outdir = options.outDir ?? resolve(root, 'dist');
  const config = loadServerlessConfig({ path: options.serverlessYml ?? resolve(root, 'serverless.yml') });
  const lambdaEntries = Object.fromEntries(
    config.functions.map((fn) => [`${fn.bundleName}/index`, resolve(root, 'functions', fn.bundleName, 'handler.ts')]),
  );
  const builds: Promise<esbuild.BuildResult>[] = [
    esbuild.build({
      ...COMMON,
      absWorkingDir: root,
      entryPoints: lambdaEntries,
      outdir,
      external: ['@aws-sdk/*', '@smithy/*'],
      plugins: [clientNodeSideEffectFree, undiciUnavailable, nodeHttpByRequire, jsonByParse, debugWhenEnabled],
    }),
  ];
  if (options.forwarder !== false) {
    const forwarderEntry = { 'forwarder/index': resolve(root, 'functions', 'forwarder', 'main.ts') };
    builds.push(
      esbuild.build({
        ...COMMON,
        absWorkingDir: root,
        entryPoints: forwarderEntry,
        outdir,
        // Its watches and Lease go through kube-rest too (kube-rest-watch.ts, kube-lease-store.ts): no undici.
        plugins: [clientNodeSideEffectFree, undiciUnavailable, nodeHttpByRequire],
      }),
    );
  }
  // allSettled: report the errors of every failing build, not only the first.
  const settled = await Promise.allSettled(builds);
  const failures = settled.flatMap((s) =>
    s.status === 'rejected' ? [s.reason instanceof Error ? s.reason.message : String(s.reason)] : [],
  );
  if (failures.length > 0) throw new BuildError(failures.join('\n'));
  const [lambdas = [], forwarder = []] = settled.map((s) =>
    s.status === 'fulfilled' ? reportsFrom(s.value, root, outdir) : [],
  );
  const problems = [
    ...overBudget(lambdas, options.lambdaBudgetBytes ?? LAMBDA_BUDGET_BYTES),
    ...overBudget(forwarder, options.forwarderBudgetBytes ?? FORWARDER_BUDGET_BYTES),
    ...generatedApiUsers([...lambdas, ...forwarder]),
  ];
  if (problems.length > 0) throw new BuildError(problems.join('\n'));
  return [...lambdas, ...forwarder].sort((a, b) => a.bundle.localeCompare(b.bundle));
}

function generatedApiUsers(reports: BundleReport[]): string[] {
  return reports.flatMap((r) =>
    r.generatedApi
      ? [`${r.bundle} bundles client-node's generated API: call the API through shared/adapters/kube/kube-rest.ts`]
      : [],
  );
}

function overBudget(reports: BundleReport[], budget: number): string[] {
  return reports
    .filter((r) => r.bytes > budget)
    .map((r) => {
      const top = r.packages
        .slice(0, 4)
        .map((p) => `${p.name} ${(p.bytes / 1024).toFixed(0)} KB`)
        .join(', ');
      return `${r.bundle} is ${r.bytes} bytes, over its budget of ${budget} bytes (largest: ${top})`;
    });
}

function reportsFrom(result: esbuild.BuildResult, root: string, outdir: string): BundleReport[] {
  return Object.entries(result.metafile?.outputs ?? {})
    .filter(([file]) => file.endsWith('.mjs'))
    .map(([file, output]) => {
      const absolute = resolve(root, file);
      return {
        bundle: relative(outdir, absolute).replace(/\/index\.mjs$/, ''),
        file: absolute,
        bytes: output.bytes,
        gzipBytes: gzipSync(readFileSync(absolute)).length,
        inputs: Object.entries(output.inputs)
          .filter(([input, { bytesInOutput }]) => bytesInOutput > 0 && !input.includes('node_modules/'))
          .map(([input]) => input)
          .sort(),
        packages: bytesByPackage(output.inputs),
        generatedApi: Object.entries(output.inputs).some(
          ([input, i]) => i.bytesInOutput > 0 && GENERATED_API.test(input),
        ),
      };
    })
    .sort((a, b) => a.bundle.localeCompare(b.bundle));
}

export function formatSizeTable(reports: BundleReport[]): string {
  const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
  const rows = [
    ['bundle', 'bytes', 'KB', 'gzip KB'],
    ...reports.map((r) => [r.bundle, String(r.bytes), kb(r.bytes), kb(r.gzipBytes)]),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  return rows
    .map((row) =>
      row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  '),
    )
    .join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  try {
    const reports = await buildBundles();
    console.log(formatSizeTable(reports));
    console.log(`built ${reports.length} bundles in ${Math.round(performance.now() - started)} ms`);
  } catch (error) {
    // esbuild's BuildFailure message already lists each error with file:line.
    console.error('build failed:', error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
