/**
 * Creates the queues serverless.yml declares, with the attributes CloudFormation would set, so local redrive and
 * visibility behave like the deployed stack.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueConfig, QueueRefs } from '../serverless-config.ts';

export class QueueSetupError extends Error {
  override name = 'QueueSetupError';
}

/** Dead-letter targets first: a RedrivePolicy must name the ARN of a queue that already exists. */
export function creationOrder(queues: QueueConfig[]): QueueConfig[] {
  const byId = new Map(queues.map((q) => [q.logicalId, q]));
  const ordered: QueueConfig[] = [];
  const visiting = new Set<string>();
  const visit = (queue: QueueConfig): void => {
    if (ordered.includes(queue)) return;
    if (visiting.has(queue.logicalId)) throw new QueueSetupError(`redrive cycle through ${queue.logicalId}`);
    visiting.add(queue.logicalId);
    if (queue.redrive) {
      const target = byId.get(queue.redrive.deadLetterLogicalId);
      if (!target)
        throw new QueueSetupError(`${queue.logicalId}: DLQ ${queue.redrive.deadLetterLogicalId} is not declared`);
      visit(target);
    }
    ordered.push(queue);
  };
  queues.forEach(visit);
  return ordered;
}

/** The attributes CloudFormation's AWS::SQS::Queue properties map to (RedrivePolicy is a JSON string in the API). */
export function queueAttributes(queue: QueueConfig, queueArns: Record<string, string>): Record<string, string> {
  const attributes: Record<string, string> = {};
  if (queue.fifo) attributes.FifoQueue = 'true';
  if (queue.visibilityTimeoutSeconds !== undefined)
    attributes.VisibilityTimeout = String(queue.visibilityTimeoutSeconds);
  if (queue.messageRetentionPeriodSeconds !== undefined)
    attributes.MessageRetentionPeriod = String(queue.messageRetentionPeriodSeconds);
  if (queue.delaySeconds !== undefined) attributes.DelaySeconds = String(queue.delaySeconds);
  if (queue.receiveMessageWaitTimeSeconds !== undefined) {
    attributes.ReceiveMessageWaitTimeSeconds = String(queue.receiveMessageWaitTimeSeconds);
  }
  if (queue.redrive) {
    const deadLetterTargetArn = queueArns[queue.redrive.deadLetterLogicalId];
    if (!deadLetterTargetArn) throw new QueueSetupError(`${queue.logicalId}: DLQ ARN not known yet`);
    attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn, maxReceiveCount: queue.redrive.maxReceiveCount });
  }
  return attributes;
}

/**
 * fauxqs answers CreateQueue with `http://sqs.<region>.localhost:<port>/...`, a host the OS resolver does not know.
 * The SDK sends each request to the QueueUrl's origin whenever the client has no explicit `endpoint` (its
 * queueUrlMiddleware) — which is the case for code configured only through `AWS_ENDPOINT_URL_SQS`. So the URL is
 * re-rooted on the emulator's own endpoint; fauxqs finds a queue by the last path segment when the host carries no
 * region, so both forms name the same queue.
 */
export function localQueueUrl(endpoint: string, fauxqsUrl: string): string {
  return `${endpoint}${new URL(fauxqsUrl).pathname}`;
}

export async function createQueues(client: SQSClient, queues: QueueConfig[], endpoint: string): Promise<QueueRefs> {
  const queueUrls: Record<string, string> = {};
  const queueArns: Record<string, string> = {};
  for (const queue of creationOrder(queues)) {
    const created = await client.send(
      new CreateQueueCommand({ QueueName: queue.queueName, Attributes: queueAttributes(queue, queueArns) }),
    );
    if (!created.QueueUrl) throw new QueueSetupError(`CreateQueue ${queue.queueName} returned no QueueUrl`);
    const read = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: created.QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const arn = read.Attributes?.QueueArn;
    if (!arn) throw new QueueSetupError(`GetQueueAttributes ${queue.queueName} returned no QueueArn`);
    queueUrls[queue.logicalId] = localQueueUrl(endpoint, created.QueueUrl);
    queueArns[queue.logicalId] = arn;
  }
  return { queueUrls, queueArns };
}
