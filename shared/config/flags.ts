/**
 * One lookup over the config flags: the generated Redis 7.2.6 table plus the hand-written Valkey 8 differences.
 * Canonical names are the Redis 7.2 spellings, which both distributions accept (Valkey keeps them as aliases).
 */
import { REDIS_7_2_CONFIG_FLAGS, type RedisConfigFlag } from './redis-config-flags.generated.ts';
import { NUMERIC_SPECS, type NumericSpec } from './value-specs.ts';
import { VALKEY_ALIASES, VALKEY_NUMERIC_OVERRIDES, VALKEY_ONLY_FLAGS } from './valkey-config-flags.ts';

export type Distribution = 'Official' | 'Valkey';
export type Mode = 'Standalone' | 'Cluster' | 'Sentinel';

const REDIS_FLAGS = new Map(REDIS_7_2_CONFIG_FLAGS.map((f) => [f.name, f]));
const VALKEY_FLAGS = new Map(VALKEY_ONLY_FLAGS.map((f) => [f.name, f]));

const ALIASES = new Map<string, string>(Object.entries(VALKEY_ALIASES));
for (const f of REDIS_7_2_CONFIG_FLAGS) if (f.alias) ALIASES.set(f.alias, f.name);

/** Lower-cases (redis-server does `sdstolower(argv[0])`) and resolves aliases such as slaveof → replicaof. */
export function canonicalDirectiveName(name: string): string {
  const lower = name.toLowerCase();
  return ALIASES.get(lower) ?? lower;
}

export function lookupFlag(name: string, distribution: Distribution): RedisConfigFlag | undefined {
  const canonical = canonicalDirectiveName(name);
  return REDIS_FLAGS.get(canonical) ?? (distribution === 'Valkey' ? VALKEY_FLAGS.get(canonical) : undefined);
}

/** Any distribution: used where only the name is known (runtime mutability, defaults). */
export function lookupAnyFlag(name: string): RedisConfigFlag | undefined {
  return lookupFlag(name, 'Valkey');
}

export const hasFlag = (flag: RedisConfigFlag, f: string): boolean => flag.flags.includes(f);

/**
 * Directives whose arguments are secrets besides the SENSITIVE_CONFIG ones of the table: `user` lines carry
 * `>password` / `#hash` rules, and the TLS key passphrases are plain MODIFIABLE configs in config.c (redis-server
 * 7.0.15 shows `CONFIG SET tls-key-file-pass x` unredacted in SLOWLOG), yet they are passwords.
 */
const SECRET_WITHOUT_FLAG: ReadonlySet<string> = new Set(['user', 'tls-key-file-pass', 'tls-client-key-file-pass']);

/** Whether a directive's arguments may be a secret (never to be shown in a message, status, event or log). */
export function isSecretDirective(name: string): boolean {
  const canonical = canonicalDirectiveName(name);
  if (SECRET_WITHOUT_FLAG.has(canonical)) return true;
  const flag = lookupAnyFlag(canonical);
  return flag !== undefined && hasFlag(flag, 'SENSITIVE_CONFIG');
}

export function numericSpec(name: string, distribution: Distribution): NumericSpec | undefined {
  const canonical = canonicalDirectiveName(name);
  const base = NUMERIC_SPECS[canonical];
  const override = distribution === 'Valkey' ? VALKEY_NUMERIC_OVERRIDES[canonical] : undefined;
  if (override) return { mode: base?.mode ?? 'int', ...override };
  return base;
}

const ENUM_DEFAULTS: Readonly<Record<string, string>> = {
  AOF_FSYNC_EVERYSEC: 'everysec',
  LL_NOTICE: 'notice',
  MAXMEMORY_NO_EVICTION: 'noeviction',
  OOM_SCORE_ADJ_NO: 'no',
  PROPAGATION_ERR_BEHAVIOR_IGNORE: 'ignore',
  SANITIZE_DUMP_NO: 'no',
  CLUSTER_ENDPOINT_TYPE_IP: 'ip',
  TLS_CLIENT_AUTH_YES: 'yes',
};

/** Defaults that the table cannot express (special configs, defaults set outside static_configs), as CONFIG GET prints them. */
const SPECIAL_DEFAULTS: Readonly<Record<string, string>> = {
  save: '3600 1 300 100 60 10000',
  'client-output-buffer-limit': 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
  'oom-score-adj-values': '0 200 800',
  'latency-tracking-info-percentiles': '50 99 99.9',
  'notify-keyspace-events': '',
  replicaof: '',
  'auto-aof-rewrite-min-size': '67108864',
  'loading-process-events-interval-bytes': '2097152',
  'acl-pubsub-default': 'resetchannels',
  'shutdown-on-sigint': 'default',
  'shutdown-on-sigterm': 'default',
  hz: '10',
  'proc-title-template': '{title} {listen-addr} {server-mode}',
};

/** Evaluates the integer C expressions of the table: `64`, `1024*1024`, `512ll*1024*1024`, `100<<20`, `60*60`. */
function evalIntExpression(expr: string): bigint | undefined {
  const shift = /^(\d+)<<(\d+)$/.exec(expr);
  if (shift) return BigInt(shift[1] ?? '0') << BigInt(shift[2] ?? '0');
  if (!/^-?\d+(ll)?(\*\d+(ll)?)*$/.test(expr)) return undefined;
  return expr
    .replace(/ll/g, '')
    .split('*')
    .reduce((acc, n) => acc * BigInt(n), 1n);
}

/**
 * The value CONFIG GET reports when nothing sets the directive (used when a directive is removed from the config),
 * or undefined when it cannot be known from here (e.g. `dir`, `bind`: they depend on the process).
 */
export function defaultRuntimeValue(name: string): string | undefined {
  const canonical = canonicalDirectiveName(name);
  const special = SPECIAL_DEFAULTS[canonical];
  if (special !== undefined) return special;
  const flag = lookupAnyFlag(canonical);
  if (!flag || flag.type === 'Special') return undefined;
  const raw = flag.rawDefault;
  switch (flag.type) {
    case 'Bool':
      return raw;
    case 'Enum':
      return ENUM_DEFAULTS[raw] ?? (/^[a-z][a-z0-9-]*$/.test(raw) ? raw : undefined);
    case 'String':
    case 'SDS':
      return /^[A-Z_]+$/.test(raw) ? undefined : raw;
    default: {
      const n = evalIntExpression(raw);
      return n === undefined ? undefined : n.toString();
    }
  }
}
