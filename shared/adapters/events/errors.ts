/**
 * What a failed publish means, decided from the AWS SDK v3 error shape: the service says whose fault it was
 * (`$fault`), throttling is a client fault that clears by itself, and a network failure carries no `$fault` at all.
 */
import { UnavailableError } from '../../errors.ts';

/** The bus refused the event for good (no permission, no such topic or bus, invalid parameter): retrying is useless. */
export class EventRejectedError extends Error {
  override name = 'EventRejectedError';
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'Throttled',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'KMSThrottlingException',
]);

export const isThrottling = (code: string | undefined): boolean => code !== undefined && THROTTLING.has(code);

/** `what` names the call and target, e.g. `SNS Publish to arn:...`; the SDK error is kept as `cause`. */
export function publishFailure(what: string, err: unknown): Error {
  const shape = (typeof err === 'object' && err !== null ? err : {}) as {
    name?: string;
    message?: string;
    $fault?: string;
  };
  const detail = `${shape.name ?? 'Error'}: ${shape.message ?? String(err)}`;
  if (shape.$fault === 'client' && !isThrottling(shape.name))
    return new EventRejectedError(`${what} rejected: ${detail}`, { cause: err });
  return new UnavailableError(`${what} failed: ${detail}`, { cause: err });
}
