/**
 * How redis-server parses numeric values, and the few value facts the directive tables do not carry. Bounds, parse
 * flags (MEMORY/PERCENT/OCTAL) and enum names come from the per-line tables (flags.ts numericSpec, flag.enumValues).
 */
/**
 * int: string2ll (strict: optional '-', no leading zeros, no '+'); memory: memtoull ("100", "1k", "1kb", "5mb", "2g",
 * "2gb"; k/m/g = 1000^n, kb/mb/gb = 1024^n, case-insensitive, no sign); percent: memory or "N%";
 * octal: strtoll base 8.
 */
type NumericMode = 'int' | 'memory' | 'memory-or-percent' | 'octal';
export interface NumericSpec {
  readonly mode: NumericMode;
  readonly min: bigint;
  readonly max: bigint;
}

/**
 * Values redis-server accepts in the whole range above but stores clamped, so CONFIG GET reports the clamped value:
 * server.h CONFIG_MIN_HZ 1 / CONFIG_MAX_HZ 500, applied to config_hz (updateHZ on CONFIG SET, and at start-up).
 * Checked on redis-server 7.0.15: `hz 0` reports 1, `hz 1000` reports 500 (redis-server.boundary.test.ts).
 */
export const CLAMPED_RANGES: Readonly<Record<string, { min: bigint; max: bigint }>> = {
  hz: { min: 1n, max: 500n },
};

/** Enum names that share a stored value with an earlier name (config.c oom_score_adj_enum: yes == relative). */
export const ENUM_SYNONYMS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'oom-score-adj': { relative: 'yes' },
};

/** Multi-flag enums (MULTI_ARG_CONFIG enums): several names OR-ed together; `default` is the empty set. */
export const MULTI_FLAG_ENUMS: ReadonlySet<string> = new Set(['shutdown-on-sigint', 'shutdown-on-sigterm']);
