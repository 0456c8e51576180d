/**
 * Test harness for the local Lambda runner: bundles the fixture handlers with esbuild into a temporary dist
 * directory, starts fauxqs with the fixture serverless.yml's queues, and reads what the fixtures recorded.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import * as esbuild from 'esbuild';
import {
  startLambdaRunner,
  type LambdaRunner,
  type SqsRecord,
  type StartLambdaRunnerOptions,
} from '../../infra/local/lambda-runner/index.ts';
import { startLocalSqs, type LocalSqs } from '../../infra/local/sqs/index.ts';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'lambdas');
export const FIXTURE_YML = join(FIXTURES, 'serverless.yml');

/** Bundle folder (as named by `handler: dist/<name>/index.handler`) → fixture source. */
const SOURCES: Record<string, string> = { batch: 'batch.ts', slow: 'slow.ts', 'env-a': 'env.ts', 'env-b': 'env.ts' };

export interface RecordLine {
  fn: string;
  initId: string;
  threadId: number;
  t: number;
  phase: string;
  requestId?: string;
  remainingMs?: number;
  env?: Record<string, string | undefined>;
  context?: Record<string, string>;
  records: { id: string; body: string; receiveCount: number }[];
  sample?: SqsRecord;
}

export interface Fixture {
  sqs: LocalSqs;
  distDir: string;
  recordFile: string;
  records(): RecordLine[];
  startRunner(options?: Partial<StartLambdaRunnerOptions>): LambdaRunner;
  send(queue: string, body: string): Promise<string>;
  approximateCounts(queue: string): Promise<{ visible: number; inFlight: number }>;
  drain(queue: string): Promise<Message[]>;
  stop(): Promise<void>;
}

/**
 * Fixture bundles are self-contained (the SDK bundled in): they live in a temporary directory outside the
 * project, where `@aws-sdk/*` could not be resolved from node_modules.
 */
export async function buildFixtureBundles(outdir: string): Promise<void> {
  await esbuild.build({
    entryPoints: Object.entries(SOURCES).map(([name, source]) => ({
      in: join(FIXTURES, source),
      out: `${name}/index`,
    })),
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    outExtension: { '.js': '.mjs' },
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'silent',
  });
}

export async function startFixture(): Promise<Fixture> {
  const workDir = mkdtempSync(join(tmpdir(), 'lambda-runner-test-'));
  const distDir = join(workDir, 'dist');
  const recordFile = join(workDir, 'records.jsonl');
  writeFileSync(recordFile, '');
  await buildFixtureBundles(distDir);
  const sqs = await startLocalSqs({ serverlessYml: FIXTURE_YML });
  const runners: LambdaRunner[] = [];
  const url = (queue: string): string => {
    const queueUrl = sqs.queueUrls[queue];
    if (!queueUrl) throw new Error(`no queue ${queue}`);
    return queueUrl;
  };
  return {
    sqs,
    distDir,
    recordFile,
    records: () =>
      readFileSync(recordFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as RecordLine),
    startRunner(options = {}) {
      const runner = startLambdaRunner({
        serverlessYml: FIXTURE_YML,
        distDir,
        sqs,
        quiet: true,
        env: { RECORD_FILE: recordFile },
        ...options,
      });
      runners.push(runner);
      return runner;
    },
    async send(queue, body) {
      const sent = await sqs.client.send(new SendMessageCommand({ QueueUrl: url(queue), MessageBody: body }));
      return sent.MessageId ?? '';
    },
    async approximateCounts(queue) {
      const read = await sqs.client.send(
        new GetQueueAttributesCommand({
          QueueUrl: url(queue),
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return {
        visible: Number(read.Attributes?.ApproximateNumberOfMessages),
        inFlight: Number(read.Attributes?.ApproximateNumberOfMessagesNotVisible),
      };
    },
    async drain(queue) {
      const out = await sqs.client.send(
        new ReceiveMessageCommand({
          QueueUrl: url(queue),
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      return out.Messages ?? [];
    },
    async stop() {
      await Promise.all(runners.map((runner) => runner.stop()));
      await sqs.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolvePoll) => setTimeout(resolvePoll, 50));
  }
}
