/**
 * Is the new config in effect on a pod? Compares what CONFIG GET reports with what the effective config says,
 * both normalised the way redis-server prints values (normalise.ts).
 */
import {
  canonicalDirectiveName,
  defaultRuntimeValue,
  hasFlag,
  isOutsideTable,
  lookupAnyFlag,
  lookupFlag,
  type EngineTable,
} from './flags.ts';
import { keyedSettings } from './merge.ts';
import { normaliseReported, obufRuntimeValue, runtimeValue } from './normalise.ts';
import { parseRedisConf } from './parse.ts';

export interface ChangedDirective {
  name: string;
  key: string;
  before: string[] | undefined;
  after: string[] | undefined;
}

/**
 * Whether CONFIG SET can change the directive on a running server: in the flags table and neither IMMUTABLE nor
 * PROTECTED (PROTECTED needs enable-protected-configs, which we keep at `no`). Directives outside the table
 * (rename-command, user, ...) are file-only. Without a table: any line's row (version-exact: live-apply.ts
 * restartOnlyReason).
 */
export function runtimeMutable(name: string, table?: EngineTable): boolean {
  const flag = table ? lookupFlag(name, table) : lookupAnyFlag(name);
  if (!flag || isOutsideTable(flag) || flag.rawDefault.startsWith('(deprecated')) return false;
  return !hasFlag(flag, 'IMMUTABLE_CONFIG') && !hasFlag(flag, 'PROTECTED_CONFIG');
}

/** Parameters CONFIG GET cannot show faithfully (not config parameters, or values that depend on the process). */
const NOT_VERIFIABLE = new Set(['rename-command', 'user', 'include', 'loadmodule', 'sentinel', 'dir']);

/**
 * For each changed directive, the CONFIG GET parameter and the value redis should report given the effective
 * config. A removed directive expects its built-in default where the flags table knows it (otherwise it is skipped).
 */
export function expectedRuntimeValues(
  changed: readonly ChangedDirective[],
  effectiveConfig: string,
  table?: EngineTable,
): Array<{ parameter: string; expected: string }> {
  const settings = keyedSettings(parseRedisConf(effectiveConfig, 'effective config'));
  const byName = new Map<string, string[]>();
  for (const s of settings.values()) byName.set(s.name, s.args);
  const out: Array<{ parameter: string; expected: string }> = [];
  const seen = new Set<string>();
  for (const c of changed) {
    const parameter = canonicalDirectiveName(c.name);
    const known = table ? lookupFlag(parameter, table) : lookupAnyFlag(parameter);
    if (seen.has(parameter) || NOT_VERIFIABLE.has(parameter) || !known || isOutsideTable(known)) continue;
    seen.add(parameter);
    let expected: string | undefined;
    if (parameter === 'client-output-buffer-limit') expected = obufRuntimeValue(settings.values());
    else {
      const args = byName.get(parameter);
      expected = args ? runtimeValue(parameter, args) : defaultRuntimeValue(parameter, table ?? 'Official');
    }
    if (expected !== undefined) out.push({ parameter, expected });
  }
  return out;
}

/** A parameter whose CONFIG GET value is not the expected one (`actual` undefined: not reported). */
export interface ConfigMismatch {
  parameter: string;
  expected: string;
  actual: string | undefined;
}

/** Mismatches only; both sides normalised, so `1gb` equals `1073741824` and `ALLKEYS-LRU` equals `allkeys-lru`. */
export function compareWithConfigGet(
  expected: Array<{ parameter: string; expected: string }>,
  actual: Record<string, string>,
): ConfigMismatch[] {
  return expected
    .filter((e) => {
      const got = actual[e.parameter];
      return got === undefined || normaliseReported(e.parameter, got) !== normaliseReported(e.parameter, e.expected);
    })
    .map((e) => ({ parameter: e.parameter, expected: e.expected, actual: actual[e.parameter] }));
}
