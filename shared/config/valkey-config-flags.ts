/**
 * Known Valkey 8 differences from the Redis 7.2.6 table (domain report §8.3/§8.4; valkey-io/valkey 8.0.1 src/config.c).
 * Hand-written because the report lists names, not a full table; types and bounds of the new directives follow
 * valkey's config.c where it was read, and are otherwise the narrowest reasonable guess (documented in
 * docs/config-semantics.md — the validator may be stricter than the server, never looser).
 */
import type { RedisConfigFlag } from './redis-config-flags.generated.ts';

/**
 * Valkey renamed these and kept the Redis spelling as an alias; both spellings are accepted by valkey-server. We keep
 * the Redis 7.2 spelling as the canonical name so that a rendered config is valid for both distributions.
 */
export const VALKEY_ALIASES: Readonly<Record<string, string>> = {
  primaryauth: 'masterauth',
  primaryuser: 'masteruser',
  // Redis 7.4 / Valkey 8 dashed names; 7.2 (and 7.0) only know the underscore spelling, which 7.4/Valkey keep as alias.
  'server-cpulist': 'server_cpulist',
  'bio-cpulist': 'bio_cpulist',
  'aof-rewrite-cpulist': 'aof_rewrite_cpulist',
  'bgsave-cpulist': 'bgsave_cpulist',
};

const mod = (
  name: string,
  type: RedisConfigFlag['type'],
  rawDefault: string,
  flags: string[] = ['MODIFIABLE'],
): RedisConfigFlag => ({
  name,
  alias: undefined,
  type,
  flags,
  rawDefault,
});

/** Directives valkey-server 8 knows and redis-server 7.2 does not. */
export const VALKEY_ONLY_FLAGS: readonly RedisConfigFlag[] = [
  mod('availability-zone', 'String', ''),
  mod('cluster-announce-client-ipv4', 'String', ''),
  mod('cluster-announce-client-ipv6', 'String', ''),
  mod('cluster-blacklist-ttl', 'ULong', '60'),
  mod('cluster-slot-stats-enabled', 'Bool', 'no'),
  mod('debug-context', 'String', '', ['HIDDEN_CONFIG']),
  mod('dual-channel-replication-enabled', 'Bool', 'no'),
  mod('enable-debug-assert', 'Bool', 'no', ['IMMUTABLE_CONFIG', 'HIDDEN_CONFIG']),
  mod('events-per-io-thread', 'Int', '2', ['HIDDEN_CONFIG']),
  mod('extended-redis-compatibility', 'Bool', 'no'),
  mod('hide-user-data-from-log', 'Bool', 'no'),
  mod('max-new-connections-per-cycle', 'UInt', '10'),
  mod('max-new-tls-connections-per-cycle', 'UInt', '1'),
  mod('prefetch-batch-max-size', 'Int', '16'),
  mod('unixsocketgroup', 'String', '', ['IMMUTABLE_CONFIG']),
];

/** Numeric bounds of the Valkey-only directives, and Valkey bounds that differ from Redis 7.2. */
export const VALKEY_NUMERIC_OVERRIDES: Readonly<Record<string, { min: bigint; max: bigint }>> = {
  'cluster-blacklist-ttl': { min: 0n, max: 2n ** 63n - 1n },
  'events-per-io-thread': { min: 0n, max: 2n ** 31n - 1n },
  'max-new-connections-per-cycle': { min: 1n, max: 1000n },
  'max-new-tls-connections-per-cycle': { min: 1n, max: 1000n },
  'prefetch-batch-max-size': { min: 0n, max: 128n },
  // valkey config.c: createIntConfig("maxmemory-samples", ..., 1, 64, ...); Redis 7.2 allows 1..INT_MAX.
  'maxmemory-samples': { min: 1n, max: 64n },
};
