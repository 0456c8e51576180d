/** `redrive <queue…> | --all` (cli/commands/redrive.ts): dead-lettered records back to their work queue (cli/redrive.ts). */
import { setTimeout as delay } from 'node:timers/promises';
import { SQSClient } from '@aws-sdk/client-sqs';
import { loadServerlessConfig, type ServerlessConfig } from '../../infra/local/serverless-config.ts';
import { UsageError } from '../args.ts';
import type { CommandInput, CommandIo } from '../command.ts';
import { structured, table } from '../output.ts';
import { redrive, type RedriveMethod, type RedriveOutcome, type RedrivePair } from '../redrive.ts';

/** Every work queue with a redrive policy, named by its step (`<service>-<stage>-<step>` in serverless.yml). */
export function redrivePairs(config: ServerlessConfig): RedrivePair[] {
  const prefix = `${config.service}-${config.stage}-`;
  return config.queues.flatMap((q) => {
    const dlq = config.queues.find((d) => d.logicalId === q.redrive?.deadLetterLogicalId);
    if (dlq === undefined) return [];
    const label = q.queueName.startsWith(prefix) ? q.queueName.slice(prefix.length) : q.logicalId;
    return [{ label, source: q.queueName, dlq: dlq.queueName }];
  });
}

/** A step (`restart-pod`), a work queue's name or its DLQ's name → the pair; unknown → UsageError listing them. */
export function choosePairs(pairs: RedrivePair[], names: string[], all: boolean): RedrivePair[] {
  if (all && names.length > 0) throw new UsageError(`--all and ${names.join(' ')}: give queues or --all, not both`);
  if (all) return pairs;
  if (names.length === 0) throw new UsageError('redrive: name a queue (a step, e.g. restart-pod) or give --all');
  return names.map((n) => {
    const pair = pairs.find((p) => n === p.label || n === p.source || n === p.dlq);
    if (pair === undefined)
      throw new UsageError(`redrive: unknown queue "${n}" (one of: ${pairs.map((p) => p.label).join(', ')})`);
    return pair;
  });
}

/** Loopback endpoints are the local emulator (fauxqs), which checks no signature: any key will do there. */
const isLoopback = (endpoint: string | undefined): boolean =>
  endpoint !== undefined && /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.test(endpoint);

function sqsClient(region: string, endpoint: string | undefined, env: NodeJS.ProcessEnv): SQSClient {
  const key = env['AWS_ACCESS_KEY_ID'];
  const secret = env['AWS_SECRET_ACCESS_KEY'];
  const credentials =
    key !== undefined && secret !== undefined
      ? { accessKeyId: key, secretAccessKey: secret, sessionToken: env['AWS_SESSION_TOKEN'] }
      : isLoopback(endpoint)
        ? { accessKeyId: 'local', secretAccessKey: 'local' }
        : undefined; // the SDK's default chain: profiles, SSO, web identity, instance/container roles
  return new SQSClient({
    region,
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(credentials !== undefined ? { credentials } : {}),
  });
}

async function print(outcomes: RedriveOutcome[], format: string, io: CommandIo): Promise<void> {
  if (format === 'json' || format === 'yaml') {
    io.out(
      await structured(
        format,
        outcomes.map((o) => ({ kind: 'Redrive', ...o })),
      ),
    );
    return;
  }
  const rows = outcomes.map((o) => [
    o.dlq,
    o.source,
    o.method,
    String(o.moved),
    String(o.failed),
    o.task === undefined ? '' : `${o.task.status} ${o.task.handle}`,
  ]);
  for (const line of table(['DLQ', 'MOVED TO', 'METHOD', 'MOVED', 'FAILED', 'TASK'], rows)) io.out(line);
}

/** The flags checked by cli/commands/redrive.ts. */
export interface RedriveFlags {
  method: RedriveMethod;
  max: number;
  followSeconds: number;
  endpoint: string | undefined;
  stage: string | undefined;
  region: string | undefined;
  all: boolean;
}

export async function runRedrive({ globals, positionals, io }: CommandInput, flags: RedriveFlags): Promise<number> {
  const region = flags.region ?? io.env['AWS_REGION'];
  const config = loadServerlessConfig({
    ...(flags.stage !== undefined ? { stage: flags.stage } : {}),
    ...(region !== undefined ? { region } : {}),
    env: io.env,
  });
  const pairs = choosePairs(redrivePairs(config), positionals, flags.all);
  const sqs = sqsClient(config.region, flags.endpoint, io.env);
  try {
    const outcomes: RedriveOutcome[] = [];
    for (const pair of pairs)
      outcomes.push(
        await redrive(sqs, pair, {
          method: flags.method,
          max: flags.max,
          followMs: flags.followSeconds * 1000,
          pause: (ms) => delay(ms),
        }),
      );
    await print(outcomes, globals.output, io);
    return outcomes.some((o) => o.failed > 0) ? 1 : 0;
  } finally {
    sqs.destroy();
  }
}
