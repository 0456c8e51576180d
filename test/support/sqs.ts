/** An SQS record as Lambda's event source mapping delivers it, carrying `body`, for the step handler's tests. */
import type { SQSRecord } from '../../shared/handler/lambda-types.ts';

export const sqsRecord = (body: string, messageId = 'm1'): SQSRecord => ({
  messageId,
  receiptHandle: 'r',
  body,
  attributes: { ApproximateReceiveCount: '1' },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn',
  awsRegion: 'us-east-1',
});
