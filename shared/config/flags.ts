/**
 * Lookups over the per-line directive tables (flags-<engine>-<line>.generated.ts). A table is chosen by the
 * database's RedisVersion (versions.ts); callers without a version get the distribution's default line (Redis 7.2,
 * Valkey 8.0), which is what this module judged against before tables per version existed.
 *
 * Canonical names are the Redis 7.2 spellings: every line from 7.0 on accepts them (newer lines keep them as aliases:
 * Valkey 8 `masterauth` → `primaryauth`, Redis 7.4 `server_cpulist` → `server-cpulist`). Merging and diffing use
 * canonical names; a directive keeps its own spelling for rendering (Redis 6.2 knows only the ziplist spellings).
 */
import {
  pooledAliasPairs,
  pooledNamesWithFlag,
  type Distribution,
  type EngineTable,
  type RedisConfigFlag,
} from './engine-table.ts';
import { FLAG_ROWS } from './flag-pool.generated.ts';
import { TABLE as REDIS_6_2 } from './flags-redis-6.2.generated.ts';
import { TABLE as REDIS_7_0 } from './flags-redis-7.0.generated.ts';
import { TABLE as REDIS_7_2 } from './flags-redis-7.2.generated.ts';
import { TABLE as REDIS_7_4 } from './flags-redis-7.4.generated.ts';
import { TABLE as REDIS_8_0 } from './flags-redis-8.0.generated.ts';
import { TABLE as REDIS_8_2 } from './flags-redis-8.2.generated.ts';
import { TABLE as VALKEY_7_2 } from './flags-valkey-7.2.generated.ts';
import { TABLE as VALKEY_8_0 } from './flags-valkey-8.0.generated.ts';
import { TABLE as VALKEY_8_1 } from './flags-valkey-8.1.generated.ts';
import { TABLE as VALKEY_9_0 } from './flags-valkey-9.0.generated.ts';
import type { NumericSpec } from './value-specs.ts';

export type { Distribution, EngineTable, RedisConfigFlag } from './engine-table.ts';
export type Mode = 'Standalone' | 'Cluster' | 'Sentinel';

/** Every line, oldest first per distribution. */
export const ENGINE_TABLES: readonly EngineTable[] = [
  REDIS_6_2,
  REDIS_7_0,
  REDIS_7_2,
  REDIS_7_4,
  REDIS_8_0,
  REDIS_8_2,
  VALKEY_7_2,
  VALKEY_8_0,
  VALKEY_8_1,
  VALKEY_9_0,
];

const DEFAULT_TABLES: Readonly<Record<Distribution, EngineTable>> = { Official: REDIS_7_2, Valkey: VALKEY_8_0 };

/** A table, or a distribution standing for its default line. */
type TableRef = Distribution | EngineTable;
export const resolveTable = (ref: TableRef): EngineTable => (typeof ref === 'string' ? DEFAULT_TABLES[ref] : ref);

interface TableIndex {
  /** Every spelling the engine accepts (names and aliases) → its row. */
  readonly bySpelling: ReadonlyMap<string, RedisConfigFlag>;
  readonly commands: ReadonlySet<string>;
}
const INDEXES = new WeakMap<EngineTable, TableIndex>();

function indexOf(table: EngineTable): TableIndex {
  const cached = INDEXES.get(table);
  if (cached) return cached;
  const bySpelling = new Map<string, RedisConfigFlag>();
  for (const f of table.flags) {
    bySpelling.set(f.name, f);
    if (f.alias) bySpelling.set(f.alias, f);
  }
  const index = { bySpelling, commands: new Set(table.commands) };
  INDEXES.set(table, index);
  return index;
}

/**
 * spelling → canonical (7.2) name, and canonical → every spelling of any line. Built from the pool's (name, alias)
 * pairs, which are every line's, so that only Redis 7.2's table is decoded here (engine-table.ts decodeTable).
 */
const ALIASES = new Map<string, string>();
const SPELLINGS = new Map<string, Set<string>>();
{
  const known72 = new Set(REDIS_7_2.flags.map((f) => f.name));
  for (const f of REDIS_7_2.flags) if (f.alias) ALIASES.set(f.alias, f.name);
  for (const f of pooledAliasPairs(FLAG_ROWS)) {
    if (known72.has(f.name)) continue;
    if (known72.has(f.alias)) ALIASES.set(f.name, f.alias);
    else ALIASES.set(f.alias, f.name);
  }
  for (const [spelling, canonical] of ALIASES) {
    const set = SPELLINGS.get(canonical) ?? new Set([canonical]);
    set.add(spelling);
    SPELLINGS.set(canonical, set);
  }
}

/** Lower-cases (redis-server does `sdstolower(argv[0])`) and resolves aliases such as slaveof → replicaof. */
export function canonicalDirectiveName(name: string): string {
  const lower = name.toLowerCase();
  return ALIASES.get(lower) ?? lower;
}

/** Every spelling (any line) of a directive. */
const spellingsOf = (name: string): readonly string[] => {
  const canonical = canonicalDirectiveName(name);
  return [...(SPELLINGS.get(canonical) ?? [canonical])];
};

/** The row of the directive in the table, under any of its spellings. */
export function lookupFlag(name: string, ref: TableRef): RedisConfigFlag | undefined {
  const index = indexOf(resolveTable(ref));
  for (const s of spellingsOf(name)) {
    const f = index.bySpelling.get(s);
    if (f) return f;
  }
  return undefined;
}

/** Whether the engine accepts this exact spelling (name or alias) — `hash-max-listpack-entries` is not Redis 6.2's. */
export const tableKnowsSpelling = (ref: TableRef, spelling: string): boolean =>
  indexOf(resolveTable(ref)).bySpelling.has(spelling.toLowerCase());

/** The spelling of the directive that this engine accepts (for CONFIG SET / rendering), or undefined. */
export function engineSpelling(name: string, ref: TableRef): string | undefined {
  const canonical = canonicalDirectiveName(name);
  if (tableKnowsSpelling(ref, canonical)) return canonical;
  return spellingsOf(canonical).find((s) => tableKnowsSpelling(ref, s));
}

/** Whether the line's command table has the command (top level, as rename-command looks it up). */
export const tableHasCommand = (ref: TableRef, command: string): boolean =>
  indexOf(resolveTable(ref)).commands.has(command.toLowerCase());

/** Any line: used where only the name is known (normalising CONFIG GET output). Newest lines first. */
export function lookupAnyFlag(name: string): RedisConfigFlag | undefined {
  for (const t of [DEFAULT_TABLES.Official, DEFAULT_TABLES.Valkey, ...[...ENGINE_TABLES].reverse()]) {
    const f = lookupFlag(name, t);
    if (f) return f;
  }
  return undefined;
}

export const hasFlag = (flag: RedisConfigFlag, f: string): boolean => flag.flags.includes(f);

/** Directives parsed outside config.c's table (rename-command, user, include, ...): config-file only. */
export const isOutsideTable = (flag: RedisConfigFlag): boolean => flag.type === 'Special' && flag.flags.length === 0;

/**
 * Directives whose arguments are secrets besides the SENSITIVE_CONFIG ones of the table: `user` lines carry
 * `>password` / `#hash` rules, and the TLS key passphrases are plain MODIFIABLE configs in 7.0/7.2's config.c
 * (redis-server 7.0.15 shows `CONFIG SET tls-key-file-pass x` unredacted in SLOWLOG), yet they are passwords.
 */
const SECRET_WITHOUT_FLAG: ReadonlySet<string> = new Set(['user', 'tls-key-file-pass', 'tls-client-key-file-pass']);

/** Canonical names of the directives that are SENSITIVE_CONFIG in any line: from the pool, no line decoded. */
let sensitiveDirectives: ReadonlySet<string> | undefined;

/** Whether a directive's arguments may be a secret (never to be shown in a message, status, event or log). */
export function isSecretDirective(name: string): boolean {
  const canonical = canonicalDirectiveName(name);
  if (SECRET_WITHOUT_FLAG.has(canonical)) return true;
  sensitiveDirectives ??= new Set(pooledNamesWithFlag(FLAG_ROWS, 'SENSITIVE_CONFIG').map(canonicalDirectiveName));
  return sensitiveDirectives.has(canonical);
}

/** C limits of the bounds columns (LP64: long == long long == ssize_t). */
const C_LIMITS: Readonly<Record<string, bigint>> = {
  INT_MIN: -(2n ** 31n),
  INT_MAX: 2n ** 31n - 1n,
  UINT_MAX: 2n ** 32n - 1n,
  LONG_MAX: 2n ** 63n - 1n,
  LLONG_MAX: 2n ** 63n - 1n,
  SSIZE_MAX: 2n ** 63n - 1n,
  ULONG_MAX: 2n ** 64n - 1n,
  ULLONG_MAX: 2n ** 64n - 1n,
  CONFIG_DEFAULT_HZ: 10n,
};

/** Evaluates the integer C expressions of the tables: `64`, `1024*1024`, `512ll*1024*1024`, `100<<20`, `0777`. */
function evalIntExpression(expr: string): bigint | undefined {
  const limit = C_LIMITS[expr];
  if (limit !== undefined) return limit;
  if (/^0[0-7]+$/.test(expr)) return BigInt(`0o${expr.slice(1)}`);
  const shift = /^(\d+)<<(\d+)$/.exec(expr);
  if (shift) return BigInt(shift[1] ?? '0') << BigInt(shift[2] ?? '0');
  if (!/^-?\d+(ll)?(\*\d+(ll)?)*$/.test(expr)) return undefined;
  return expr
    .replace(/ll/g, '')
    .split('*')
    .reduce((acc, n) => acc * BigInt(n), 1n);
}

/** Parse mode and bounds of a numeric directive, from the table's min/max/unit columns. */
export function numericSpecOfFlag(flag: RedisConfigFlag): NumericSpec | undefined {
  if (flag.min === '' || flag.max === '') return undefined;
  const min = evalIntExpression(flag.min);
  const max = evalIntExpression(flag.max);
  if (min === undefined || max === undefined) return undefined;
  const u = flag.units;
  const mode = u.includes('percent')
    ? 'memory-or-percent'
    : u.includes('memory')
      ? 'memory'
      : u.includes('octal')
        ? 'octal'
        : 'int';
  return { mode, min, max };
}

export function numericSpec(name: string, ref: TableRef): NumericSpec | undefined {
  const flag = lookupFlag(name, ref);
  return flag ? numericSpecOfFlag(flag) : undefined;
}

/** Defaults that the tables cannot express (special configs, macros), as CONFIG GET prints them. */
const SPECIAL_DEFAULTS: Readonly<Record<string, string>> = {
  save: '3600 1 300 100 60 10000',
  'client-output-buffer-limit': 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
  'oom-score-adj-values': '0 200 800',
  'latency-tracking-info-percentiles': '50 99 99.9',
  'notify-keyspace-events': '',
  replicaof: '',
  'shutdown-on-sigint': 'default',
  'shutdown-on-sigterm': 'default',
  'proc-title-template': '{title} {listen-addr} {server-mode}',
};

const STRING_MACROS: Readonly<Record<string, Readonly<Record<Distribution, string>>>> = {
  SERVER_NAME: { Official: 'redis', Valkey: 'valkey' },
};

/**
 * The value CONFIG GET reports when nothing sets the directive (used when a directive is removed from the config),
 * or undefined when it cannot be known from here (e.g. `dir`, `bind`: they depend on the process).
 */
export function defaultRuntimeValue(name: string, ref: TableRef = 'Official'): string | undefined {
  const canonical = canonicalDirectiveName(name);
  const special = SPECIAL_DEFAULTS[canonical];
  if (special !== undefined) return special;
  const table = resolveTable(ref);
  const flag = lookupFlag(canonical, table);
  if (!flag || flag.type === 'Special') return undefined;
  const raw = flag.rawDefault;
  switch (flag.type) {
    case 'Bool':
    case 'Enum':
      return raw;
    case 'String':
    case 'SDS':
      return STRING_MACROS[raw]?.[table.distribution] ?? (/^[A-Z_]+$/.test(raw) ? undefined : raw);
    default: {
      const n = evalIntExpression(raw);
      return n === undefined ? undefined : n.toString();
    }
  }
}
