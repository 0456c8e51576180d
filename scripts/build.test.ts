/**
 * The build reads its function list from serverless.yml, keeps the Lambda runtime's SDK out of Lambda bundles but
 * inside the forwarder's, and fails loudly. Runs on a throwaway project (node_modules linked from this one).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROJECT_ROOT } from '../infra/local/serverless-config.ts';
import { buildBundles, BuildError, formatSizeTable, LAMBDA_BUDGET_BYTES, type BundleReport } from './build.ts';

const SERVERLESS_YML = `service: tiny
provider: { name: aws, runtime: nodejs24.x }
functions:
  alpha: { handler: dist/alpha/index.handler }
  beta-two: { handler: dist/beta-two/index.handler }
`;

const USES_SDK = `import { SQSClient } from '@aws-sdk/client-sqs';
const client = new SQSClient({});
export async function handler(): Promise<string> { return typeof client.send; }
`;

function writeProject(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'));
}

void describe('scripts/build.ts', () => {
  const root = mkdtempSync(join(tmpdir(), 'build-test-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  void describe('a valid project', () => {
    let table: string;
    before(async () => {
      writeProject(root, {
        'serverless.yml': SERVERLESS_YML,
        'functions/alpha/handler.ts': USES_SDK,
        'functions/beta-two/handler.ts': 'export const handler = async (): Promise<number> => 2;\n',
        'functions/forwarder/main.ts': USES_SDK,
      });
      table = formatSizeTable(await buildBundles({ root }));
    });

    void it('builds one ESM bundle with a source map per serverless.yml function, plus the forwarder', () => {
      for (const name of ['alpha', 'beta-two', 'forwarder']) {
        assert.ok(existsSync(join(root, 'dist', name, 'index.mjs')), `${name}/index.mjs`);
        assert.ok(existsSync(join(root, 'dist', name, 'index.mjs.map')), `${name}/index.mjs.map`);
        assert.match(table, new RegExp(`^${name} `, 'm'));
      }
    });

    void it('leaves the AWS SDK to the Lambda runtime, but bundles it into the forwarder', () => {
      const alpha = readFileSync(join(root, 'dist', 'alpha', 'index.mjs'), 'utf8');
      const forwarder = readFileSync(join(root, 'dist', 'forwarder', 'index.mjs'), 'utf8');
      assert.match(alpha, /from\s*"@aws-sdk\/client-sqs"/);
      assert.doesNotMatch(forwarder, /from\s*"@aws-sdk\//);
      assert.ok(forwarder.length > alpha.length * 10, 'the forwarder carries the SDK');
      assert.ok(alpha.startsWith("import { createRequire } from 'node:module';"), 'CommonJS deps get a real require');
    });

    void it('produces bundles Node can import and call', async () => {
      const beta = (await import(join(root, 'dist', 'beta-two', 'index.mjs'))) as { handler: () => Promise<number> };
      assert.equal(await beta.handler(), 2);
    });
  });

  void it('rejects with every error when a handler does not compile or is missing', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'build-test-broken-'));
    after(() => rmSync(broken, { recursive: true, force: true }));
    writeProject(broken, {
      'serverless.yml': SERVERLESS_YML,
      'functions/alpha/handler.ts': 'export const handler = (;\n',
      'functions/forwarder/main.ts': 'export {};\n',
    });
    await assert.rejects(buildBundles({ root: broken }), (error: unknown) => {
      assert.ok(error instanceof BuildError);
      assert.match(error.message, /alpha\/handler\.ts/);
      assert.match(error.message, /beta-two\/handler\.ts/);
      return true;
    });
  });

  void it('fails the build when a bundle outgrows its budget, naming the bundle, its size and its largest packages', async () => {
    const big = mkdtempSync(join(tmpdir(), 'build-test-big-'));
    after(() => rmSync(big, { recursive: true, force: true }));
    writeProject(big, {
      'serverless.yml': SERVERLESS_YML,
      // Exported, so that the minifier cannot fold it away.
      'functions/alpha/handler.ts': `export const blob = ${JSON.stringify('x'.repeat(20_000))};\nexport const handler = async (): Promise<string> => blob;\n`,
      'functions/beta-two/handler.ts': 'export const handler = async (): Promise<number> => 2;\n',
      'functions/forwarder/main.ts': 'export {};\n',
    });
    await assert.rejects(buildBundles({ root: big, lambdaBudgetBytes: 10_000 }), (error: unknown) => {
      assert.ok(error instanceof BuildError);
      assert.match(error.message, /^alpha is \d+ bytes, over its budget of 10000 bytes \(largest: \(own\) \d+ KB\)$/m);
      assert.doesNotMatch(error.message, /beta-two/);
      return true;
    });
  });
});

void it('a Lambda bundle honours DEBUG as the debug module does, and skips its set-up when DEBUG is unset', async () => {
  const root = mkdtempSync(join(tmpdir(), 'build-test-debug-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  writeProject(root, {
    'serverless.yml': SERVERLESS_YML,
    'functions/alpha/handler.ts': `import createDebug from 'debug';
const log = createDebug('fixture');
log('hello from %s', 'fixture');
// inspectOpts: a property of the real module only (the stand-in when DEBUG is unset has none).
export const handler = async (): Promise<string> => String(log.enabled) + ' ' + String('inspectOpts' in createDebug);
`,
    'functions/beta-two/handler.ts': 'export const handler = async (): Promise<number> => 2;\n',
  });
  await buildBundles({ root, forwarder: false });
  const run = (env: NodeJS.ProcessEnv): { result: string; stderr: string } => {
    const script = `const { handler } = await import(${JSON.stringify(join(root, 'dist', 'alpha', 'index.mjs'))});
process.stdout.write(String(await handler()));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, DEBUG: '', ...env },
      encoding: 'utf8',
    });
    assert.equal(child.status, 0, child.stderr);
    return { result: child.stdout, stderr: child.stderr };
  };
  const enabled = run({ DEBUG: 'fixture' });
  assert.equal(enabled.result, 'true true', 'DEBUG=fixture: the real module, the namespace enabled');
  assert.match(enabled.stderr, /fixture hello from fixture/);
  assert.deepEqual(run({ DEBUG: 'other' }), { result: 'false true', stderr: '' });
  assert.deepEqual(run({}), { result: 'false false', stderr: '' }, 'DEBUG unset: the no-op stand-in');
});

/** The project's own bundles (built into a temp dir): the 1 MB budget and what each function carries. */
void describe('the project bundles', () => {
  const out = mkdtempSync(join(tmpdir(), 'build-test-project-'));
  after(() => rmSync(out, { recursive: true, force: true }));
  let reports: BundleReport[];
  const lambdas = (): BundleReport[] => reports.filter((r) => r.bundle !== 'forwarder');
  const has = (r: BundleReport, pkg: string): boolean => r.packages.some((p) => p.name === pkg);
  before(async () => {
    reports = await buildBundles({ outDir: out });
  });

  void it(`every Lambda bundle is within ${LAMBDA_BUDGET_BYTES} bytes`, () => {
    assert.deepEqual(
      lambdas().map((r) => r.bundle),
      ['apply-config', 'drift', 'halt', 'recover', 'restart-pod', 'resume', 'rollout'],
    );
    for (const r of lambdas()) assert.ok(r.bytes <= LAMBDA_BUDGET_BYTES, `${r.bundle}: ${r.bytes} bytes`);
  });

  void it("no Lambda carries client-node's generated API or undici: KubeConfig for credentials, kube-rest.ts for calls", () => {
    for (const r of lambdas()) {
      assert.equal(r.generatedApi, false, r.bundle);
      assert.equal(has(r, 'undici'), false, r.bundle);
      assert.ok(r.inputs.includes('shared/adapters/kube/kube-rest.ts'), r.bundle);
    }
  });

  void it('ioredis only in the functions that talk to Redis (apply-config, drift, restart-pod)', () => {
    const withRedis = lambdas()
      .filter((r) => has(r, 'ioredis'))
      .map((r) => r.bundle);
    assert.deepEqual(withRedis, ['apply-config', 'drift', 'restart-pod']);
  });
});
