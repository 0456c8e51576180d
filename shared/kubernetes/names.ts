/**
 * Names and label values the project writes, kept within what the API server validates. Ops request and Redis names
 * may be up to 253 characters (DNS subdomains), but a label value is at most 63 (apimachinery IsValidLabelValue) and
 * a derived object name must itself stay a valid name. A value that does not fit is shortened deterministically
 * (a readable prefix plus a hash of the whole), so replays write the same value and two names never collide.
 */
import { createHash } from 'node:crypto';

export const LABEL_VALUE_MAX = 63;
const HASH_CHARS = 10;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, HASH_CHARS);

/** A valid label value for `value`: itself when valid, else `<first 52 usable chars>-<10 hex of sha256(value)>`. */
export function labelValue(value: string): string {
  if (value.length <= LABEL_VALUE_MAX && LABEL_VALUE.test(value)) return value;
  const head = value
    .replace(/[^-A-Za-z0-9_.]/g, '-')
    .slice(0, LABEL_VALUE_MAX - HASH_CHARS - 1)
    .replace(/^[^A-Za-z0-9]+/, '');
  return head === '' ? shortHash(value) : `${head}-${shortHash(value)}`;
}

/**
 * `<base><suffix>` when it is at most `max` long, else the base shortened to make room for `-<hash><suffix>`.
 * `base` is a valid object name (it ends alphanumeric), the suffix starts with a separator and ends alphanumeric.
 */
export function boundedName(base: string, suffix: string, max: number): string {
  if (base.length + suffix.length <= max) return `${base}${suffix}`;
  const head = base.slice(0, max - suffix.length - HASH_CHARS - 1).replace(/[^a-z0-9]+$/, '');
  return `${head}-${shortHash(base)}${suffix}`;
}

/**
 * The Event recorded on an ops request: a name derived from the event itself, so a replayed step records it once
 * (AlreadyExists is the idempotent outcome); at most 253 characters whatever the ops request's name.
 */
export function eventObjectName(opsName: string, opsUid: string, reason: string, message: string): string {
  const digest = createHash('sha256').update(`${opsUid}|${reason}|${message}`).digest('hex').slice(0, 12);
  return boundedName(opsName, `.${digest}`, 253);
}
