/**
 * Named errors are the retry contract (docs/architecture.md, House rules). Decided by class, in one place: `isRetryable`.
 *
 * - Retryable: the record fails (partial batch response) and SQS redelivers it after the visibility timeout;
 *   after maxReceiveCount it lands in the DLQ.
 * - Fatal for the ops request: the step ends the ops request `Failed` with a precise condition and goes through resume.
 * - Poison: the message itself is unusable (invalid, unknown cluster); it is failed every time so that it reaches
 *   the DLQ with its reason logged, never silently deleted.
 */
export class TransientError extends Error {
  override name = 'TransientError';
}

/** The Kubernetes API answered 409 Conflict (stale resourceVersion): re-read and retry. */
export class ConflictError extends TransientError {
  override name = 'ConflictError';
}

/** Redis or the API could not be reached right now. */
export class UnavailableError extends TransientError {
  override name = 'UnavailableError';
}

/**
 * The deployment is misconfigured: an environment variable (or the configuration it names) is missing or invalid.
 * Thrown at cold start — a function or the forwarder cannot run at all — and its message names the variable.
 */
export class MisconfigurationError extends Error {
  override name = 'MisconfigurationError';
}

/** The message body failed validation: it can never succeed. */
export class InvalidMessageError extends Error {
  override name = 'InvalidMessageError';
}

/** The message names a cluster this deployment has no credentials for. */
export class UnknownClusterError extends Error {
  override name = 'UnknownClusterError';
}

/**
 * The ops request cannot succeed (bad config, missing secret, missing Redis, timeout). Carries the condition
 * reason and the message the user will read on the ops request.
 */
export class OpsRequestFailedError extends Error {
  override name = 'OpsRequestFailedError';
  readonly reason: string;
  constructor(reason: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/**
 * The Kubernetes API refused a request as malformed or invalid (400 BadRequest, 422 Invalid): the same request can
 * never succeed, so the ops request ends Failed (through resume) with the API's own words instead of being retried.
 */
export class KubeApiRejectedError extends OpsRequestFailedError {
  override name = 'KubeApiRejectedError';
}

/**
 * A user's configuration is wrong (syntax, unknown directive for the database's version, bad value, policy, nothing
 * to apply, too large): the one error class of shared/config for that. The message names source, line and reason for
 * every problem; `line`/`reason` carry the first problem's for callers that want them structured.
 */
export class InvalidConfigError extends OpsRequestFailedError {
  override name = 'InvalidConfigError';
  readonly line: number | undefined;
  readonly detail: string | undefined;
  constructor(message: string, problem?: { line?: number; reason?: string }) {
    super('InvalidConfiguration', message);
    this.line = problem?.line;
    this.detail = problem?.reason;
  }
}

/**
 * Redis answered a command with an error reply (the engine refused it: a value it does not accept, a build without
 * a feature). Not retryable as such: the step that sent it decides (live apply restores and fails the ops request).
 * The message quotes the engine's reply, never the command's arguments (an ACL rule carries a password).
 */
export class RedisCommandRefusedError extends Error {
  override name = 'RedisCommandRefusedError';
}

type ErrorClass = 'retry' | 'fail-ops-request' | 'poison';

/** The single place that decides what an error means for the record. Unknown errors are retried (then DLQ). */
export function classifyError(err: unknown): ErrorClass {
  if (err instanceof OpsRequestFailedError) return 'fail-ops-request';
  if (err instanceof InvalidMessageError || err instanceof UnknownClusterError) return 'poison';
  return 'retry';
}
