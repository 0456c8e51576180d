/** `redrive`: its flags and help; the work (and the AWS SDK) is loaded only when it runs. */
import { UsageError, wholeNumber } from '../args.ts';
import type { Command } from '../command.ts';
import type { RedriveMethod } from '../redrive.ts';

const METHODS: readonly RedriveMethod[] = ['auto', 'move-task', 'receive'];

export const redriveCommand: Command = {
  name: 'redrive',
  summary: 'move dead-lettered records back to their work queue',
  usage: `usage: redis-reconfigure redrive <queue>... | --all [--stage <stage>] [--region <region>] [--endpoint-url <url>]
                                  [--method auto|move-task|receive] [--max <n>]

<queue> is a step (halt, apply-config, restart-pod, resume), a work queue's name or its DLQ's name; names follow
serverless.yml (<service>-<stage>-<step>[-dlq]). Records are moved back to the queue they came from. Redriving is
safe: every step re-reads its ops request and does only what is due (docs/operations.md).

  --all                    every DLQ of the stage
  --stage <stage>          the deployed stage (default: serverless.yml's, "dev")
  --region <region>        AWS region (default: $AWS_REGION, else serverless.yml's)
  --endpoint-url <url>     another SQS endpoint, e.g. the local stack's fauxqs (printed by npm run local)
  --method <m>             move-task: SQS StartMessageMoveTask (server-side); receive: receive/send/delete in
                           batches of 10; auto (default): move-task, or receive where the service lacks it
  --max <n>                receive: at most n records per queue (default 1000)
  --follow-seconds <s>     move-task: follow the task this long before printing its status (default 60)`,
  options: {
    all: { type: 'boolean' },
    stage: { type: 'string' },
    region: { type: 'string' },
    'endpoint-url': { type: 'string' },
    method: { type: 'string' },
    max: { type: 'string' },
    'follow-seconds': { type: 'string' },
  },
  prepare(input) {
    const { values, positionals } = input;
    const method = (values['method'] as string | undefined) ?? 'auto';
    if (!(METHODS as readonly string[]).includes(method))
      throw new UsageError(`--method ${method}: expected auto, move-task or receive`);
    const endpoint = values['endpoint-url'] as string | undefined;
    if (endpoint !== undefined && !/^https?:\/\/[^/]+/.test(endpoint))
      throw new UsageError(`--endpoint-url ${endpoint}: expected http(s)://host[:port]`);
    const all = values['all'] === true;
    if (all && positionals.length > 0)
      throw new UsageError(`--all and ${positionals.join(' ')}: give queues or --all, not both`);
    if (!all && positionals.length === 0)
      throw new UsageError('redrive: name a queue (a step, e.g. restart-pod) or give --all');
    const flags = {
      method: method as RedriveMethod,
      max: wholeNumber('max', values['max'] as string | undefined, 1, 1_000_000) ?? 1000,
      followSeconds: wholeNumber('follow-seconds', values['follow-seconds'] as string | undefined, 0, 3600) ?? 60,
      endpoint,
      stage: values['stage'] as string | undefined,
      region: values['region'] as string | undefined,
      all,
    };
    return async () => (await import('./redrive-run.ts')).runRedrive(input, flags);
  },
};
