/** API errors rendered as the real server's `kind: Status` bodies (k8s.io/apimachinery/pkg/api/errors). */
import type { ResourceType, ValidationCause } from './types.ts';
import { groupResource } from './types.ts';

interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: ValidationCause[];
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  override name = 'ApiError';
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;
  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

function details(t: ResourceType, name: string | undefined): StatusDetails {
  return { ...(name ? { name } : {}), ...(t.group ? { group: t.group } : {}), kind: t.plural };
}

export function notFound(t: ResourceType, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${groupResource(t)} "${name}" not found`, details(t, name));
}

export function namespaceNotFound(ns: string): ApiError {
  return new ApiError(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' });
}

export function alreadyExists(t: ResourceType, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${groupResource(t)} "${name}" already exists`, details(t, name));
}

export function conflict(t: ResourceType, name: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${groupResource(t)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    details(t, name),
  );
}

export function invalid(t: ResourceType, name: string, causes: ValidationCause[]): ApiError {
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  const joined = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  const qualifiedKind = t.group ? `${t.kind}.${t.group}` : t.kind;
  return new ApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${joined}`, {
    name,
    ...(t.group ? { group: t.group } : {}),
    kind: t.kind,
    causes,
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function unprocessable(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

export function methodNotAllowed(
  message = 'the server does not allow this method on the requested resource',
): ApiError {
  return new ApiError(405, 'MethodNotAllowed', message);
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${contentType})`,
  );
}

export function gone(message = 'too old resource version'): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function forbidden(message: string, d?: StatusDetails): ApiError {
  return new ApiError(403, 'Forbidden', message, d);
}

export function pageNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}
