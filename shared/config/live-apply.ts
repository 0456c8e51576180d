/**
 * Live apply, pure: for the database's line and a plan's changed directives, which can change on the running server
 * (one multi-parameter `CONFIG SET`, Redis ≥ 7.0 — atomic: all applied or none, src/config.c configSetCommand) and
 * which need a restart; the CONFIG SET arguments; and the CONFIG GET values that prove them in effect (verify.ts).
 */
import {
  canonicalDirectiveName,
  defaultRuntimeValue,
  engineSpelling,
  hasFlag,
  isOutsideTable,
  lookupFlag,
  type EngineTable,
} from './flags.ts';
import { directiveKey, keyedSettings, obufClassKey, type KeyedSetting } from './merge.ts';
import { obufGroup } from './normalise.ts';
import { parseRedisConf } from './parse.ts';
import type { ChangedDirective } from './verify.ts';

/**
 * Redis 6.2 parses these outside its table, yet its configSetCommand has special cases for them (6.2 config.c;
 * data/NOTES.md): CONFIG SET-able on 6.2 although the 6.2 table cannot say so.
 */
const REDIS_6_2_SETTABLE_SPECIALS: ReadonlySet<string> = new Set([
  'bind',
  'save',
  'dir',
  'client-output-buffer-limit',
  'oom-score-adj-values',
  'notify-keyspace-events',
]);

interface MutabilityOptions {
  /** enable-protected-configs yes|local: PROTECTED_CONFIG directives become CONFIG SET-able. We keep it `no`. */
  protectedConfigsEnabled?: boolean;
}

/** Why a directive cannot be CONFIG SET on this line, or undefined when it can. */
export function restartOnlyReason(name: string, table: EngineTable, opts: MutabilityOptions = {}): string | undefined {
  const canonical = canonicalDirectiveName(name);
  const flag = lookupFlag(canonical, table);
  if (!flag) return `not a ${table.label} directive`;
  if (flag.rawDefault.startsWith('(deprecated')) return `deprecated and ignored by ${table.label}`;
  if (isOutsideTable(flag)) {
    if (table.label === 'Redis 6.2' && REDIS_6_2_SETTABLE_SPECIALS.has(canonical)) return undefined;
    return `read only from the config file at start (${table.label} parses it outside its config table)`;
  }
  if (hasFlag(flag, 'IMMUTABLE_CONFIG')) return `IMMUTABLE_CONFIG in ${table.label}`;
  if (hasFlag(flag, 'PROTECTED_CONFIG') && opts.protectedConfigsEnabled !== true)
    return `PROTECTED_CONFIG in ${table.label} (enable-protected-configs is no)`;
  return undefined;
}

interface Classification {
  /** The line judged against, e.g. `Valkey 8.1`. */
  line: string;
  /** Canonical names, sorted, de-duplicated (client-output-buffer-limit classes fold into one). */
  mutable: string[];
  immutable: string[];
}

/** Splits changed directives into CONFIG SET-able and restart-only for the line. */
export function classifyChanged(
  changed: readonly ChangedDirective[],
  table: EngineTable,
  opts: MutabilityOptions = {},
): Classification {
  const names = [...new Set(changed.map((c) => canonicalDirectiveName(c.name)))].sort();
  const mutable = names.filter((n) => restartOnlyReason(n, table, opts) === undefined);
  return { line: table.label, mutable, immutable: names.filter((n) => !mutable.includes(n)) };
}

interface ConfigSetArguments {
  /** `[param, value, param, value, ...]` for ONE `CONFIG SET` (empty when nothing is mutable). */
  args: string[];
  /** Mutable parameters whose restart value cannot be known here (a removed directive without a known default). */
  unresolved: string[];
}

const obufDefaults = (table: EngineTable): Map<string, string[]> => {
  const parts = (defaultRuntimeValue('client-output-buffer-limit', table) ?? '').split(' ');
  const out = new Map<string, string[]>();
  for (let i = 0; i + 3 < parts.length; i += 4) out.set(obufClassKey(parts[i] ?? ''), parts.slice(i, i + 4));
  return out;
};

/**
 * client-output-buffer-limit as a map by class: CONFIG SET updates only the classes it names (networking.c
 * getClientTypeByName; config.c updateClientOutputBufferLimit), so only the changed classes are sent, each with its
 * effective value or, when removed, the built-in default for that class.
 */
function obufValue(changed: readonly ChangedDirective[], settings: Map<string, KeyedSetting>, table: EngineTable) {
  const classes = [
    ...new Set(
      changed.filter((c) => canonicalDirectiveName(c.name) === 'client-output-buffer-limit').map((c) => c.key),
    ),
  ].sort();
  const defaults = obufDefaults(table);
  return classes
    .map((key) => {
      const cls = key.split(' ')[1] ?? '';
      const args = settings.get(key)?.args ?? defaults.get(cls) ?? [];
      return obufGroup(args);
    })
    .join(' ');
}

/**
 * The arguments of ONE multi-parameter CONFIG SET that makes a running server match the effective config for the
 * mutable changed directives. Values as CONFIG SET takes them: `save` is the whole list (CONFIG SET replaces it;
 * `""` disables), multi-argument values joined by spaces; a directive REMOVED from the config gets the value a
 * restarted pod would have — the effective config's, else the line's built-in default.
 */
export function configSetArguments(
  changed: readonly ChangedDirective[],
  effectiveConfig: string,
  table: EngineTable,
  opts: MutabilityOptions = {},
): ConfigSetArguments {
  const settings = keyedSettings(parseRedisConf(effectiveConfig, 'effective config'));
  const { mutable } = classifyChanged(changed, table, opts);
  const args: string[] = [];
  const unresolved: string[] = [];
  for (const name of mutable) {
    let value: string | undefined;
    if (name === 'client-output-buffer-limit') value = obufValue(changed, settings, table);
    else {
      const setting = settings.get(directiveKey({ name, args: [], line: 0, source: '' }));
      value = setting ? setting.args.join(' ') : defaultRuntimeValue(name, table);
    }
    if (value === undefined) unresolved.push(name);
    else args.push(engineSpelling(name, table) ?? name, value);
  }
  return { args, unresolved };
}

/** How the changes reach the pods. */
export type ApplyPath = 'live' | 'rolling' | 'live-with-pending' | 'none';

export interface LiveDecision extends Classification {
  path: ApplyPath;
  /** restart "false": restart-only directives persisted in the config, in effect only after the next restart. */
  pending: string[];
}

/**
 * auto: all mutable → live, any restart-only → rolling; "true" → rolling; "false" → mutable live, restart-only ones
 * persisted and pending (live-with-pending; plain live when none is pending); nothing changed → none (unless "true").
 * A mutable directive whose restart value is unknown counts as restart-only (it cannot be set to the right value).
 */
export function decideApplyPath(
  restart: 'auto' | 'true' | 'false' | undefined,
  changed: readonly ChangedDirective[],
  effectiveConfig: string,
  table: EngineTable,
  opts: MutabilityOptions = {},
): LiveDecision {
  const c = classifyChanged(changed, table, opts);
  const { unresolved } = configSetArguments(changed, effectiveConfig, table, opts);
  const mutable = c.mutable.filter((n) => !unresolved.includes(n));
  const immutable = [...c.immutable, ...unresolved].sort();
  const base = { line: c.line, mutable, immutable };
  if (restart === 'true') return { ...base, path: 'rolling', pending: [] };
  if (changed.length === 0) return { ...base, path: 'none', pending: [] };
  if (restart === 'false')
    return { ...base, path: immutable.length > 0 ? 'live-with-pending' : 'live', pending: immutable };
  return { ...base, path: immutable.length > 0 ? 'rolling' : 'live', pending: [] };
}
