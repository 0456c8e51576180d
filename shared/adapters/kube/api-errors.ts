/** Map the Kubernetes client's ApiException onto the project's named errors (the retry contract). */
import { ApiException } from '@kubernetes/client-node';
import { ConflictError, KubeApiRejectedError, OpsRequestFailedError, UnavailableError } from '../../errors.ts';

const statusCodeOf = (err: unknown): number | undefined => (err instanceof ApiException ? err.code : undefined);

export const isNotFound = (err: unknown): boolean => statusCodeOf(err) === 404;
export const isAlreadyExists = (err: unknown): boolean =>
  statusCodeOf(err) === 409 && /AlreadyExists/.test(messageOf(err));

function messageOf(err: unknown): string {
  if (err instanceof ApiException) {
    const body: unknown = err.body;
    return typeof body === 'string' ? body : JSON.stringify(body);
  }
  return err instanceof Error ? err.message : String(err);
}

/** A field of the metav1.Status the API answered with (`message`, `reason`), when there is one. */
function statusField(err: unknown, field: 'message' | 'reason'): string | undefined {
  const body: unknown = err instanceof ApiException ? err.body : undefined;
  const parsed: unknown = typeof body === 'string' ? safeJson(body) : body;
  const value = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[field] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const statusMessage = (err: unknown): string => statusField(err, 'message') ?? messageOf(err);

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * 409 Conflict → ConflictError; 403 → OpsRequestFailedError; 400/422 → KubeApiRejectedError; 429/5xx/network →
 * UnavailableError; anything else (e.g. 404 on a write) is a plain, retried Error.
 */
export function translateApiError(err: unknown, what: string): Error {
  const code = statusCodeOf(err);
  if (code === 409) return new ConflictError(`${what}: ${messageOf(err)}`);
  // Retrying cannot fix missing permissions: end the run (resume un-pauses the database) with the API's own words.
  if (code === 403)
    return new OpsRequestFailedError(
      'Forbidden',
      `${what} was forbidden; grant it in the functions' RBAC (infra/k8s/functions-rbac): ${statusMessage(err)}`,
      { cause: err },
    );
  // Nor can it fix a request the API finds malformed or invalid (a label value too long, a bad field): same path.
  if (code === 400 || code === 422) {
    const reason = statusField(err, 'reason') ?? (code === 422 ? 'Invalid' : 'BadRequest');
    return new KubeApiRejectedError(
      reason,
      `${what} was rejected by the Kubernetes API (${code} ${reason}): ${statusMessage(err)}`,
      { cause: err },
    );
  }
  if (code === 429 || (code !== undefined && code >= 500) || code === undefined) {
    return new UnavailableError(`${what}: ${code ?? 'no response'} ${messageOf(err)}`, { cause: err });
  }
  return new Error(`${what}: HTTP ${code} ${messageOf(err)}`, { cause: err });
}

/** Run a read; 404 becomes undefined, other failures become named errors. */
export async function readOrUndefined<T>(what: string, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw translateApiError(err, what);
  }
}

export async function write<T>(what: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw translateApiError(err, what);
  }
}
