/** Bearer-token authentication (static tokens, ServiceAccount tokens) and the pluggable authorization hook. */
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

/** A static token's identity; every authenticated user is also in `system:authenticated`. */
export interface StaticIdentity {
  username: string;
  groups?: string[];
}

/** Maps a presented bearer token to a user, or undefined when the token is unknown. */
type TokenAuthenticator = (token: string) => UserInfo | undefined;

function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return m ? m[1] : undefined;
}

export function staticTokens(tokens: Record<string, string | StaticIdentity>): TokenAuthenticator {
  const entries = Object.entries(tokens).map(([token, who]) => {
    const id = typeof who === 'string' ? { username: who } : who;
    const groups = [...new Set([...(id.groups ?? []), 'system:authenticated'])];
    return { token: Buffer.from(token), user: { username: id.username, groups } };
  });
  return (token) => {
    const presented = Buffer.from(token);
    // Constant-time comparison against every known token (no early exit that would leak which prefix matched).
    let found: UserInfo | undefined;
    for (const e of entries) {
      if (e.token.length === presented.length && timingSafeEqual(e.token, presented)) found = e.user;
    }
    return found;
  };
}

/** Tries each authenticator in order (static tokens first, like the real server's union authenticator). */
export function unionAuthenticator(list: TokenAuthenticator[]): (req: IncomingMessage) => UserInfo | undefined {
  return (req) => {
    const token = bearerToken(req);
    if (!token) return undefined;
    for (const a of list) {
      const user = a(token);
      if (user) return user;
    }
    return undefined;
  };
}
