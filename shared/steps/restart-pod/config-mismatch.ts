/**
 * A recreated, Ready pod whose Redis reports other values than the new config. redis-server reads its config once, at
 * start: what CONFIG GET reports then is its answer, and waiting does not change it. The answer is taken once the pod
 * has been Ready for CONFIG_SETTLE_MS (timing.ts) (a margin for a config volume still being populated), instead of
 * waiting out spec.timeout. Pure.
 */
import type { ConfigMismatch } from '../../config/verify.ts';
import { CONFIG_SETTLE_MS } from '../timing.ts';

export function mismatchIsFinal(readySince: string | undefined, now: Date): boolean {
  const since = Date.parse(readySince ?? '');
  return Number.isFinite(since) && now.getTime() - since >= CONFIG_SETTLE_MS;
}

/** Why redis-server may run with less than it was given, where it is known. */
function explanation(m: ConfigMismatch): string {
  const expected = Number(m.expected);
  const actual = Number(m.actual);
  if (m.parameter === 'maxclients' && Number.isFinite(expected) && Number.isFinite(actual) && actual < expected) {
    return ` (redis-server lowers maxclients to its open-file limit minus 32: raise the container's nofile ulimit or ask for at most ${actual})`;
  }
  return '';
}

export function describeMismatches(mismatches: ConfigMismatch[]): string {
  return mismatches
    .map((m) => `${m.parameter}: expected "${m.expected}", got "${m.actual ?? '(none)'}"${explanation(m)}`)
    .join('; ');
}
