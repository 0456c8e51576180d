import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

/** Dummy credentials: fauxqs does no authentication, but the SDK signs every request and needs some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export function createLocalSqsClient(endpoint: string, region: string): SQSClient {
  return new SQSClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
}

/** fauxqs emulates SNS on the same endpoint as SQS (it routes by protocol: SNS speaks form-encoded Query). */
export function createLocalSnsClient(endpoint: string, region: string): SNSClient {
  return new SNSClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
}
