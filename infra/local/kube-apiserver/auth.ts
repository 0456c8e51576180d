/** Bearer-token authentication and the pluggable authorization hook (RBAC can be added behind `Authorizer`). */
import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';

export interface UserInfo {
  username: string;
  groups: string[];
}

export interface RequestAttributes {
  user: UserInfo;
  verb: string;
  /** Resource requests: API group ('' = core), resource plural, optional subresource, namespace and name. */
  resourceRequest: boolean;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  /** Non-resource requests (/healthz, /api, /version...). */
  path: string;
}

export type Authorizer = (attrs: RequestAttributes) => { allowed: boolean; reason?: string };

export const allowAll: Authorizer = () => ({ allowed: true });

export function authenticate(req: IncomingMessage, tokens: Record<string, string>): UserInfo | undefined {
  const header = req.headers.authorization;
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!m) return undefined;
  const presented = Buffer.from(m[1]!);
  for (const [token, username] of Object.entries(tokens)) {
    const known = Buffer.from(token);
    if (known.length === presented.length && timingSafeEqual(known, presented)) {
      return { username, groups: ['system:authenticated'] };
    }
  }
  return undefined;
}
