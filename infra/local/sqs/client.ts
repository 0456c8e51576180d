import { SQSClient } from '@aws-sdk/client-sqs';

/** Dummy credentials: fauxqs does no authentication, but the SDK signs every request and needs some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export function createLocalSqsClient(endpoint: string, region: string): SQSClient {
  return new SQSClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
}
