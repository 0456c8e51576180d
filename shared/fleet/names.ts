/**
 * Deterministic RedisOpsRequest names: the same (rollout, cluster, namespace, database, purpose) always gives the
 * same name, so a create repeated by a duplicated or replayed message answers 409 AlreadyExists instead of starting
 * a second run. A DNS label (≤ 63, [a-z0-9-]) so it is valid as a name and as a label value; a readable prefix
 * (rollout and database names, cut to fit) and a hash suffix over the full identity keep cut names distinct.
 */
import { createHash } from 'node:crypto';

export const MAX_NAME = 63;
const HASH_LENGTH = 10;

type OpsPurpose = 'apply' | 'rollback';

interface OpsIdentity {
  /** The rollout's uid: a rollout deleted and created again under the same name runs again. */
  rolloutUid: string;
  rollout: string;
  cluster: string;
  namespace: string;
  database: string;
  purpose: OpsPurpose;
}

export function fleetOpsRequestName(id: OpsIdentity): string {
  const hash = shortHash([id.rolloutUid, id.cluster, id.namespace, id.database, id.purpose].join('\n'));
  const tag = id.purpose === 'rollback' ? 'rb' : '';
  const parts = [sanitize(id.rollout), sanitize(id.database), tag].filter((p) => p.length > 0);
  const room = MAX_NAME - HASH_LENGTH - 1;
  const prefix = trimDashes(parts.join('-').slice(0, room));
  return prefix.length > 0 ? `${prefix}-${hash}` : `fr-${hash}`;
}

/** A value usable as a label value (≤ 63, alphanumeric ends): the name itself when it fits, else a hash of it. */
export function labelValueFor(text: string): string {
  if (/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(text)) return text;
  return `h-${shortHash(text)}`;
}

function shortHash(text: string, length = HASH_LENGTH): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

const sanitize = (s: string): string => trimDashes(s.toLowerCase().replace(/[^a-z0-9-]+/g, '-'));
const trimDashes = (s: string): string => s.replace(/^-+|-+$/g, '');
