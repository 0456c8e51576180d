/**
 * ServiceAccount tokens: the TokenRequest subresource (`POST .../serviceaccounts/<name>/token`, what
 * `kubectl create token` calls) and their authentication.
 *
 * Tokens are JWTs with the real claims (iss, sub, aud, exp, iat, nbf, kubernetes.io.{namespace, serviceaccount})
 * but signed with HS256 and a key kept in the state dir, so they survive a restart. As with the real server's bound
 * tokens, a token stops working when it expires or when its ServiceAccount is deleted (the uid no longer matches,
 * also after re-creation under the same name), and is accepted by the API only when its audiences include the API
 * server's (the default when TokenRequest.spec.audiences is empty).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { UserInfo } from './auth.ts';
import { badRequest, invalid, notFound } from './errors.ts';
import { nowIso, rfc3339 } from './object-rules.ts';
import type { Registry } from './registry.ts';
import type { ObjectStore } from './store.ts';
import type { KubeObject, ResourceType } from './types.ts';

export const API_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';
/** The real default of TokenRequest.spec.expirationSeconds, and its minimum (10 minutes). */
const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const VERIFIED_CACHE_LIMIT = 1000;

interface Claims {
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  iss: string;
  sub: string;
  'kubernetes.io': { namespace: string; serviceaccount: { name: string; uid: string } };
}

interface Verified {
  exp: number;
  namespace: string;
  name: string;
  uid: string;
  user: UserInfo;
}

export interface IssuedToken {
  token: string;
  expirationTimestamp: string;
}

const b64url = (v: string | Buffer): string => Buffer.from(v).toString('base64url');

export class ServiceAccountTokens {
  private readonly store: ObjectStore;
  private readonly saType: ResourceType;
  private readonly key: Buffer;
  /** token -> verified claims: the signature is checked once per token, expiry and the ServiceAccount every time. */
  private readonly verified = new Map<string, Verified>();

  constructor(store: ObjectStore, registry: Registry, signingKey: Buffer) {
    this.store = store;
    this.saType = registry.find('', 'v1', 'serviceaccounts')!;
    this.key = signingKey;
  }

  private serviceAccount(namespace: string, name: string): KubeObject {
    const sa = this.store.get(this.saType.storageKey, namespace, name);
    if (!sa) throw notFound(this.saType, name);
    return sa;
  }

  private sign(signingInput: string): Buffer {
    return createHmac('sha256', this.key).update(signingInput).digest();
  }

  issue(
    namespace: string,
    name: string,
    expirationSeconds = DEFAULT_EXPIRATION_SECONDS,
    audiences: string[] = [API_AUDIENCE],
  ): IssuedToken {
    const sa = this.serviceAccount(namespace, name);
    const iat = Math.floor(Date.now() / 1000);
    const claims: Claims = {
      aud: audiences,
      exp: iat + expirationSeconds,
      iat,
      nbf: iat,
      iss: API_AUDIENCE,
      sub: `system:serviceaccount:${namespace}:${name}`,
      'kubernetes.io': { namespace, serviceaccount: { name, uid: sa.metadata.uid ?? '' } },
    };
    const input = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
    const token = `${input}.${b64url(this.sign(input))}`;
    return { token, expirationTimestamp: rfc3339(new Date(claims.exp * 1000)) };
  }

  private verify(token: string): Verified | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const expected = this.sign(`${parts[0]}.${parts[1]}`);
    const presented = Buffer.from(parts[2]!, 'base64url');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return undefined;
    let claims: Claims;
    try {
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Claims;
    } catch {
      return undefined; // signed by us, so unreachable unless the key leaked; treat as not authenticated
    }
    const k8s = claims['kubernetes.io'];
    if (!k8s?.serviceaccount || !Array.isArray(claims.aud) || !claims.aud.includes(API_AUDIENCE)) return undefined;
    const { namespace } = k8s;
    const { name, uid } = k8s.serviceaccount;
    return {
      exp: claims.exp,
      namespace,
      name,
      uid,
      user: {
        username: `system:serviceaccount:${namespace}:${name}`,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
      },
    };
  }

  /** The ServiceAccount identity of a bearer token, or undefined when it is not a valid, live ServiceAccount token. */
  authenticate(token: string): UserInfo | undefined {
    let v = this.verified.get(token);
    if (!v) {
      v = this.verify(token);
      if (!v) return undefined;
      if (this.verified.size >= VERIFIED_CACHE_LIMIT) this.verified.clear();
      this.verified.set(token, v);
    }
    if (v.exp * 1000 <= Date.now()) return undefined;
    const sa = this.store.get(this.saType.storageKey, v.namespace, v.name);
    if (!sa || sa.metadata.uid !== v.uid) return undefined;
    return v.user;
  }

  /** POST .../serviceaccounts/<name>/token: validates the TokenRequest and answers it with status.token filled in. */
  tokenRequest(namespace: string, name: string, body: KubeObject): KubeObject {
    if (body.kind !== undefined && body.kind !== 'TokenRequest') {
      throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (TokenRequest)`);
    }
    const spec = (body.spec ?? {}) as { audiences?: string[]; expirationSeconds?: number; boundObjectRef?: unknown };
    const expirationSeconds = spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
    const t = { ...this.saType, kind: 'TokenRequest', group: 'authentication.k8s.io' };
    if (!Number.isInteger(expirationSeconds) || expirationSeconds < MIN_EXPIRATION_SECONDS) {
      throw invalid(t, name, [
        {
          field: 'spec.expirationSeconds',
          message: `Invalid value: ${expirationSeconds}: may not specify a duration less than 10 minutes`,
          reason: 'FieldValueInvalid',
        },
      ]);
    }
    const audiences = spec.audiences && spec.audiences.length > 0 ? spec.audiences : [API_AUDIENCE];
    const issued = this.issue(namespace, name, expirationSeconds, audiences);
    return {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace, creationTimestamp: nowIso() },
      spec: { audiences, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
      status: issued,
    };
  }
}
