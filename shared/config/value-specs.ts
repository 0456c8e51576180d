/**
 * How redis-server parses each directive's value: numeric bounds and parse mode, enum names. Transcribed from the
 * `createXConfig(...)` rows of redis/redis src/config.c (7.0 read directly; 7.2 additions from the domain report),
 * because the generated flags table carries the C type but neither bounds nor the MEMORY/PERCENT/OCTAL parse flags.
 */
const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const UINT_MAX = 2n ** 32n - 1n;
const LONG_MAX = 2n ** 63n - 1n; // LP64: long == long long
const LLONG_MAX = LONG_MAX;
const ULLONG_MAX = 2n ** 64n - 1n;
const MB = 1024n * 1024n;

/**
 * int: string2ll (strict: optional '-', no leading zeros, no '+'); memory: memtoull ("100", "1k", "1kb", "5mb", "2g",
 * "2gb"; k/m/g = 1000^n, kb/mb/gb = 1024^n, case-insensitive, no sign); percent: memory or "N%";
 * octal: strtoll base 8.
 */
export type NumericMode = 'int' | 'memory' | 'memory-or-percent' | 'octal';
export interface NumericSpec {
  readonly mode: NumericMode;
  readonly min: bigint;
  readonly max: bigint;
}

const int = (min: bigint, max: bigint): NumericSpec => ({ mode: 'int', min, max });
const mem = (min: bigint, max: bigint): NumericSpec => ({ mode: 'memory', min, max });

export const NUMERIC_SPECS: Readonly<Record<string, NumericSpec>> = {
  // Int
  'active-defrag-cycle-max': int(1n, 99n),
  'active-defrag-cycle-min': int(1n, 99n),
  'active-defrag-threshold-lower': int(0n, 1000n),
  'active-defrag-threshold-upper': int(0n, 1000n),
  'active-expire-effort': int(1n, 10n),
  'auto-aof-rewrite-percentage': int(0n, INT_MAX),
  'cluster-announce-bus-port': int(0n, 65535n),
  'cluster-announce-port': int(0n, 65535n),
  'cluster-announce-tls-port': int(0n, 65535n),
  'cluster-migration-barrier': int(0n, INT_MAX),
  'cluster-port': int(0n, 65535n),
  'cluster-replica-validity-factor': int(0n, INT_MAX),
  databases: int(1n, INT_MAX),
  hz: int(0n, INT_MAX),
  'io-threads': int(1n, 128n),
  'key-load-delay': int(INT_MIN, INT_MAX),
  'lfu-decay-time': int(0n, INT_MAX),
  'lfu-log-factor': int(0n, INT_MAX),
  'list-compress-depth': int(0n, INT_MAX),
  'list-max-listpack-size': int(INT_MIN, INT_MAX),
  'maxmemory-eviction-tenacity': int(0n, 100n),
  'maxmemory-samples': int(1n, INT_MAX),
  'min-replicas-max-lag': int(0n, INT_MAX),
  'min-replicas-to-write': int(0n, INT_MAX),
  port: int(0n, 65535n),
  'rdb-key-save-delay': int(INT_MIN, INT_MAX),
  'repl-diskless-sync-delay': int(0n, INT_MAX),
  'repl-diskless-sync-max-replicas': int(0n, INT_MAX),
  'repl-ping-replica-period': int(1n, INT_MAX),
  'repl-timeout': int(1n, INT_MAX),
  'replica-announce-port': int(0n, 65535n),
  'replica-priority': int(0n, INT_MAX),
  'shutdown-timeout': int(0n, INT_MAX),
  'tcp-backlog': int(0n, INT_MAX),
  'tcp-keepalive': int(0n, INT_MAX),
  timeout: int(0n, INT_MAX),
  'tls-port': int(0n, 65535n),
  'tls-session-cache-size': int(0n, INT_MAX),
  'tls-session-cache-timeout': int(0n, INT_MAX),
  'watchdog-period': int(0n, INT_MAX),
  // UInt
  'client-default-resp': int(2n, 3n),
  maxclients: int(1n, UINT_MAX),
  'socket-mark-id': int(0n, UINT_MAX),
  unixsocketperm: { mode: 'octal', min: 0n, max: 0o777n },
  // ULong
  'acllog-max-len': int(0n, LONG_MAX),
  'active-defrag-max-scan-fields': int(1n, LONG_MAX),
  'slowlog-max-len': int(0n, LONG_MAX),
  // LongLong
  'busy-reply-threshold': int(0n, LONG_MAX),
  'cluster-node-timeout': int(0n, LLONG_MAX),
  'cluster-ping-interval': int(0n, LLONG_MAX),
  'latency-monitor-threshold': int(0n, LLONG_MAX),
  'proto-max-bulk-len': mem(MB, LONG_MAX),
  'repl-backlog-size': mem(1n, LLONG_MAX),
  'slowlog-log-slower-than': int(-1n, LLONG_MAX),
  'stream-node-max-entries': int(0n, LLONG_MAX),
  // ULongLong
  'cluster-link-sendbuf-limit': mem(0n, ULLONG_MAX),
  maxmemory: mem(0n, ULLONG_MAX),
  // SizeT — note the *-entries and set-max-listpack-value are INTEGER_CONFIG (no units) in config.c
  'active-defrag-ignore-bytes': mem(1n, LLONG_MAX),
  'client-query-buffer-limit': mem(MB, LONG_MAX),
  'hash-max-listpack-entries': int(0n, LONG_MAX),
  'hash-max-listpack-value': mem(0n, LONG_MAX),
  'hll-sparse-max-bytes': mem(0n, LONG_MAX),
  'set-max-intset-entries': int(0n, LONG_MAX),
  'set-max-listpack-entries': int(0n, LONG_MAX),
  'set-max-listpack-value': int(0n, LONG_MAX),
  'stream-node-max-bytes': mem(0n, LONG_MAX),
  'tracking-table-max-keys': int(0n, LONG_MAX),
  'zset-max-listpack-entries': int(0n, LONG_MAX),
  'zset-max-listpack-value': mem(0n, LONG_MAX),
  // SSizeT: stored negative for a percentage of maxmemory, hence the -100 lower bound
  'maxmemory-clients': { mode: 'memory-or-percent', min: -100n, max: LLONG_MAX },
  // OffT / TimeT
  'auto-aof-rewrite-min-size': mem(0n, LLONG_MAX),
  'loading-process-events-interval-bytes': int(1024n, INT_MAX),
  'repl-backlog-ttl': int(0n, LONG_MAX),
};

/**
 * Values redis-server accepts in the whole range above but stores clamped, so CONFIG GET reports the clamped value:
 * server.h CONFIG_MIN_HZ 1 / CONFIG_MAX_HZ 500, applied to config_hz (updateHZ on CONFIG SET, and at start-up).
 * Checked on redis-server 7.0.15: `hz 0` reports 1, `hz 1000` reports 500 (redis-server.boundary.test.ts).
 */
export const CLAMPED_RANGES: Readonly<Record<string, { min: bigint; max: bigint }>> = {
  hz: { min: 1n, max: 500n },
};

/** Enum names in config.c order (CONFIG GET reports the FIRST name carrying the stored value). */
export const ENUM_VALUES: Readonly<Record<string, readonly string[]>> = {
  'acl-pubsub-default': ['allchannels', 'resetchannels'],
  appendfsync: ['everysec', 'always', 'no'],
  'cluster-preferred-endpoint-type': ['ip', 'hostname', 'unknown-endpoint'],
  'enable-debug-command': ['no', 'yes', 'local'],
  'enable-module-command': ['no', 'yes', 'local'],
  'enable-protected-configs': ['no', 'yes', 'local'],
  // 'nothing' arrived in 7.2; redis-server 7.0 rejects it.
  loglevel: ['debug', 'verbose', 'notice', 'warning', 'nothing'],
  'maxmemory-policy': [
    'volatile-lru',
    'volatile-lfu',
    'volatile-random',
    'volatile-ttl',
    'allkeys-lru',
    'allkeys-lfu',
    'allkeys-random',
    'noeviction',
  ],
  'oom-score-adj': ['no', 'yes', 'relative', 'absolute'],
  'propagation-error-behavior': ['ignore', 'panic', 'panic-on-replicas'],
  'repl-diskless-load': ['disabled', 'on-empty-db', 'swapdb'],
  'sanitize-dump-payload': ['no', 'yes', 'clients'],
  'shutdown-on-sigint': ['default', 'save', 'nosave', 'now', 'force'],
  'shutdown-on-sigterm': ['default', 'save', 'nosave', 'now', 'force'],
  supervised: ['upstart', 'systemd', 'auto', 'no'],
  'syslog-facility': ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'],
  'tls-auth-clients': ['no', 'yes', 'optional'],
};

/** Enum names that share a stored value with an earlier name (config.c oom_score_adj_enum: yes == relative). */
export const ENUM_SYNONYMS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'oom-score-adj': { relative: 'yes' },
};

/** Multi-flag enums (MULTI_ARG_CONFIG enums): several names OR-ed together; `default` is the empty set. */
export const MULTI_FLAG_ENUMS: ReadonlySet<string> = new Set(['shutdown-on-sigint', 'shutdown-on-sigterm']);
