/**
 * The shape of one engine line's directive table (generated per line by scripts/gen-config-flags.ts from the
 * engine's own `standardConfig static_configs[]` of src/config.c, shared/config/data/) and of its command list.
 */
type RedisConfigType =
  | 'Bool'
  | 'Enum'
  | 'Int'
  | 'UInt'
  | 'Long'
  | 'ULong'
  | 'LongLong'
  | 'ULongLong'
  | 'SizeT'
  | 'SSizeT'
  | 'OffT'
  | 'TimeT'
  | 'String'
  | 'SDS'
  | 'Special';

export interface RedisConfigFlag {
  readonly name: string;
  readonly alias: string | undefined;
  readonly type: RedisConfigType;
  /**
   * The flag macros as written in config.c (MODIFIABLE_CONFIG, IMMUTABLE_CONFIG, PROTECTED_CONFIG, MULTI_ARG_CONFIG,
   * HIDDEN_CONFIG, ...). Empty for directives parsed outside the table (rename-command, user, include, ...).
   */
  readonly flags: readonly string[];
  /** The default as config.c writes it: enum names resolved, numeric C expressions, `(special)`, `(deprecated: ...)`. */
  readonly rawDefault: string;
  /** Numeric bounds as written (`0`, `INT_MAX`, `-100` for a percent config), empty when not numeric. */
  readonly min: string;
  readonly max: string;
  /** configEnum names in source order (CONFIG GET prints the first name carrying the stored value). */
  readonly enumValues: readonly string[];
  /** num_conf_flags: memory, percent, octal. */
  readonly units: readonly string[];
}

export type Distribution = 'Official' | 'Valkey';

export interface EngineTable {
  /** e.g. `Redis 7.2`, `Valkey 8.1`: the name every message uses for the version judged against. */
  readonly label: string;
  readonly distribution: Distribution;
  readonly major: number;
  readonly minor: number;
  /** Where the table comes from (tag and commit of src/config.c, or the base line + the documented delta). */
  readonly source: string;
  readonly flags: readonly RedisConfigFlag[];
  /** Top-level command names (lower case) of the command table: what rename-command can rename. */
  readonly commands: readonly string[];
}

/** A pooled row (scripts/gen-config-flags.ts encodeRow): tab-separated cells, lists space-separated. */
function decodeRow(row: string): RedisConfigFlag {
  const [
    name = '',
    alias = '',
    type = 'Special',
    flags = '',
    rawDefault = '',
    min = '',
    max = '',
    enums = '',
    units = '',
  ] = row.split('\t');
  const list = (cell: string): string[] => (cell === '' ? [] : cell.split(' '));
  return {
    name,
    alias: alias === '' ? undefined : alias,
    type: type as RedisConfigType,
    flags: list(flags),
    rawDefault,
    min,
    max,
    enumValues: list(enums),
    units: list(units),
  };
}

/**
 * A line's table from base-36 indices into the shared pool of rows and command names: the ten lines share most of
 * their ~200 rows, and storing each once keeps the function bundles small (scripts/build.ts budgets).
 *
 * The rows and commands are decoded at first use, per line: a reconfigure judges against one line (its RedisVersion),
 * and decoding all ten at import cost every cold start ~6 ms CPU (docs/benchmarks.md, 2026-12-03). The head (label,
 * distribution, version) is there at once: versions.ts picks a line by it without decoding any.
 */
export function decodeTable(
  head: Omit<EngineTable, 'flags' | 'commands'>,
  rows: readonly string[],
  rowRefs: string,
  commands: readonly string[],
  commandRefs: string,
): EngineTable {
  const pick = <T>(pool: readonly T[], refs: string): T[] =>
    refs.split(' ').map((ref) => {
      const item = pool[parseInt(ref, 36)];
      if (item === undefined) throw new RangeError(`${head.label}: no pooled entry ${ref}`);
      return item;
    });
  let flags: readonly RedisConfigFlag[] | undefined;
  let commandNames: readonly string[] | undefined;
  return {
    ...head,
    get flags() {
      return (flags ??= pick(rows, rowRefs).map(decodeRow));
    },
    get commands() {
      return (commandNames ??= pick(commands, commandRefs));
    },
  };
}

/**
 * Every (name, alias) pair of the pooled rows, without decoding a line: the pool holds each row of every line once, so
 * this is what scanning every line's table finds (flags.ts builds the alias map from it at import).
 */
export function pooledAliasPairs(rows: readonly string[]): Array<{ name: string; alias: string }> {
  const pairs: Array<{ name: string; alias: string }> = [];
  for (const row of rows) {
    const nameEnd = row.indexOf('\t');
    const aliasEnd = row.indexOf('\t', nameEnd + 1);
    if (aliasEnd === nameEnd + 1) continue;
    pairs.push({ name: row.slice(0, nameEnd), alias: row.slice(nameEnd + 1, aliasEnd) });
  }
  return pairs;
}

/** The names of the pooled rows that carry a flag macro (e.g. SENSITIVE_CONFIG) in any line. */
export const pooledNamesWithFlag = (rows: readonly string[], flag: string): string[] =>
  rows.flatMap((row) =>
    row.includes(flag) && decodeRow(row).flags.includes(flag) ? [row.slice(0, row.indexOf('\t'))] : [],
  );
