/**
 * Type checks of directive values, mirroring redis-server's setters (src/config.c: boolConfigSet, enumConfigSet,
 * numericParseString + numericBoundaryCheck, setConfigSaveOption, updateClientOutputBufferLimit, ...). Where the
 * server is lenient in odd corners (strtoll accepting "+5" or " 5" in `save`) we are stricter: the rule is that the
 * validator never accepts a value redis-server refuses.
 */
import { hasFlag, isOutsideTable, numericSpecOfFlag, type RedisConfigFlag } from './flags.ts';
import { trySplitArgs } from './parse.ts';
import { MULTI_FLAG_ENUMS, type NumericSpec } from './value-specs.ts';

const ULLONG_MAX = 2n ** 64n - 1n;
const LLONG_MIN = -(2n ** 63n);
const LLONG_MAX = 2n ** 63n - 1n;
const INT_MAX = 2n ** 31n - 1n;
const MEMORY_UNITS: Readonly<Record<string, bigint>> = {
  '': 1n,
  b: 1n,
  k: 1000n,
  kb: 1024n,
  m: 1000n ** 2n,
  mb: 1024n ** 2n,
  g: 1000n ** 3n,
  gb: 1024n ** 3n,
};

/** util.c memtoull: digits then an optional unit; no sign. Undefined when redis would report a parse error. */
export function parseMemory(value: string): bigint | undefined {
  const m = /^(\d+)([a-z]*)$/i.exec(value);
  const mul = m ? MEMORY_UNITS[(m[2] ?? '').toLowerCase()] : undefined;
  if (!m || mul === undefined) return undefined;
  const n = BigInt(m[1] ?? '0');
  if (n > ULLONG_MAX) return undefined; // strtoull overflow
  const bytes = n * mul;
  return bytes > ULLONG_MAX ? undefined : bytes;
}

/** util.c string2ll: optional '-', no leading zeros, no '+', must fit a long long. */
function parseStrictInt(value: string): bigint | undefined {
  if (!/^(0|-?[1-9]\d*)$/.test(value)) return undefined;
  const n = BigInt(value);
  return n < LLONG_MIN || n > LLONG_MAX ? undefined : n;
}

/** numericParseString: the stored value (percentages stored negative), or an error string. */
export function parseNumeric(spec: NumericSpec, value: string): bigint | string {
  if (spec.mode === 'memory' || spec.mode === 'memory-or-percent') {
    const bytes = parseMemory(value);
    if (bytes !== undefined) return bytes;
    if (spec.mode === 'memory-or-percent') {
      const pct = value.endsWith('%') ? parseStrictInt(value.slice(0, -1)) : undefined;
      if (pct !== undefined && pct >= 0n) return -pct;
      return 'argument must be a memory or percent value (e.g. 512mb, 1gb, 10%)';
    }
    return 'argument must be a memory value (bytes, or with a unit: 100k, 1kb, 5mb, 2g, 2gb)';
  }
  if (spec.mode === 'octal')
    return /^[0-7]+$/.test(value) ? BigInt(`0o${value}`) : "argument couldn't be parsed as an octal number";
  return parseStrictInt(value) ?? "argument couldn't be parsed into an integer";
}

function checkNumeric(spec: NumericSpec, value: string): string | undefined {
  const n = parseNumeric(spec, value);
  if (typeof n === 'string') return n;
  if (spec.mode === 'memory-or-percent' && n < 0n)
    return n < spec.min ? `percentage must be at most ${-spec.min}%` : undefined;
  if (n < spec.min || n > spec.max) return `argument must be between ${spec.min} and ${spec.max} inclusive`;
  return undefined;
}

function checkEnum(flag: RedisConfigFlag, args: string[], label: string): string | undefined {
  const name = flag.name;
  const allowed = flag.enumValues;
  const bad = args.find((a) => !allowed.includes(a.toLowerCase()));
  if (bad !== undefined) return `${JSON.stringify(bad)} is not one of: ${allowed.join(', ')} (for ${label})`;
  const lower = args.map((a) => a.toLowerCase());
  if (MULTI_FLAG_ENUMS.has(name) && lower.includes('save') && lower.includes('nosave'))
    return 'save and nosave are mutually exclusive';
  return undefined;
}

const NON_NEG = /^\d+$/;

function checkSave(args: string[]): string | undefined {
  if (args.length === 1 && args[0] === '') return undefined;
  if (args.length === 0 || args.length % 2 !== 0) return 'expects pairs of <seconds> <changes>, or "" to disable';
  for (let i = 0; i < args.length; i += 2) {
    const [s = '', c = ''] = [args[i], args[i + 1]];
    if (!NON_NEG.test(s) || BigInt(s) < 1n) return `seconds must be an integer >= 1 (got ${JSON.stringify(s)})`;
    // config.c setConfigSaveOption: strtoll, then appendServerSaveParams(time_t seconds, int changes) — no range
    // check, so a larger value is stored wrapped (a different rule than written). Refused, saying why.
    if (BigInt(s) > LLONG_MAX)
      return `seconds ${s} is above ${LLONG_MAX}: redis-server would not read it as written (strtoll overflow)`;
    if (!NON_NEG.test(c)) return `changes must be an integer >= 0 (got ${JSON.stringify(c)})`;
    if (BigInt(c) > INT_MAX)
      return `changes ${c} is above ${INT_MAX}: redis-server would silently wrap it to another number (stored as a C int)`;
  }
  return undefined;
}

const OBUF_CLASSES = ['normal', 'replica', 'slave', 'pubsub'] as const;

function checkClientOutputBufferLimit(args: string[]): string | undefined {
  if (args.length === 0 || args.length % 4 !== 0) return 'expects groups of <class> <hard> <soft> <soft-seconds>';
  for (let i = 0; i < args.length; i += 4) {
    const [cls = '', hard = '', soft = '', secs = ''] = args.slice(i, i + 4);
    if (!(OBUF_CLASSES as readonly string[]).includes(cls.toLowerCase()))
      return `class ${JSON.stringify(cls)} is not one of normal, replica, slave, pubsub`;
    if (parseMemory(hard) === undefined || parseMemory(soft) === undefined)
      return 'hard and soft limits must be memory values';
    if (!NON_NEG.test(secs) || BigInt(secs) > 2n ** 31n - 1n) return 'soft-seconds must be an integer >= 0';
  }
  return undefined;
}

function checkOomScoreAdjValues(args: string[]): string | undefined {
  if (args.length !== 3) return 'expects 3 values (primary, replica, background child)';
  const ok = args.every((a) => parseStrictInt(a) !== undefined && Math.abs(Number(a)) <= 2000);
  return ok ? undefined : 'values must be integers between -2000 and 2000';
}

function checkPercentiles(args: string[]): string | undefined {
  if (args.length === 1 && args[0] === '') return undefined;
  const ok = args.length > 0 && args.every((a) => /^\d+(\.\d+)?$/.test(a) && Number(a) <= 100);
  return ok ? undefined : 'expects percentiles between 0 and 100 (e.g. 50 99 99.9), or "" for none';
}

const KEYSPACE_EVENT_CHARS = /^[Ag$lshzxeKEtmdn]*$/;

const PROC_TITLE_VARS = new Set([
  '{title}',
  '{listen-addr}',
  '{server-mode}',
  '{port}',
  '{tls-port}',
  '{unixsocket}',
  '{config-file}',
]);

function checkProcTitle(value: string): string | undefined {
  const vars = value.match(/\{[^{}]*\}/g) ?? [];
  if (value.replace(/\{[^{}]*\}/g, '').includes('{') || value.replace(/\{[^{}]*\}/g, '').includes('}'))
    return 'unbalanced braces';
  const unknown = vars.find((v) => !PROC_TITLE_VARS.has(v));
  if (unknown) return `unknown variable ${unknown}`;
  // server.c validateProcTitleTemplate expands the template with an empty title and refuses an empty (space-trimmed)
  // result; {server-mode} and {unixsocket} are empty at that point too (checked on redis-server 7.0.15).
  if (value.replace(/\{(title|server-mode|unixsocket)\}/g, '').trim() === '')
    return 'must also contain text or a variable other than {title}, {server-mode} and {unixsocket} (redis-server refuses a title that can be empty)';
  return undefined;
}

const SPECIAL_CHECKS: Readonly<Record<string, (args: string[]) => string | undefined>> = {
  save: checkSave,
  'client-output-buffer-limit': checkClientOutputBufferLimit,
  'oom-score-adj-values': checkOomScoreAdjValues,
  'latency-tracking-info-percentiles': checkPercentiles,
  'notify-keyspace-events': ([v]) =>
    KEYSPACE_EVENT_CHARS.test(v ?? '') ? undefined : "invalid event class character; use 'Ag$lshzxeKEtmdn'",
  'proc-title-template': ([v]) => checkProcTitle(v ?? ''),
};

/**
 * config.c loadServerConfigFromString (7.0+): a MULTI_ARG_CONFIG directive given ONE non-empty argument has it split
 * with sdssplitargs, so `save "900 1 300 10"` is `save 900 1 300 10`; CONFIG SET splits the same way. Redis 6.2 has no
 * MULTI_ARG_CONFIG flag (its table does not carry it) and refuses the quoted form, which this follows.
 */
export function engineArgs(flag: RedisConfigFlag | undefined, args: string[]): string[] {
  if (!flag || !hasFlag(flag, 'MULTI_ARG_CONFIG') || args.length !== 1 || (args[0] ?? '') === '') return args;
  // Not splittable (unbalanced quotes inside the value): the engine refuses it, and so do the value checks below.
  return trySplitArgs(args[0] ?? '') ?? args;
}

/**
 * Redis 6.2 parses these outside its table with several arguments (6.2 config.c loadServerConfigFromString): `save`
 * takes ONE pair per line (argc == 3), `client-output-buffer-limit` ONE class per line (argc == 5).
 */
const REDIS_6_2_MULTI: Readonly<Record<string, number | undefined>> = {
  bind: undefined,
  replicaof: 2,
  save: 2,
  'client-output-buffer-limit': 4,
  'oom-score-adj-values': 3,
};

function arityProblem(flag: RedisConfigFlag, args: string[], label: string): string | undefined {
  const outside62 = isOutsideTable(flag) && flag.name in REDIS_6_2_MULTI;
  const multi = hasFlag(flag, 'MULTI_ARG_CONFIG') || outside62;
  if (!multi && args.length !== 1) return `expects exactly 1 argument, got ${args.length}`;
  if (multi && args.length === 0) return 'expects at least 1 argument';
  const most = outside62 ? REDIS_6_2_MULTI[flag.name] : undefined;
  if (most !== undefined && args.length > most && !(args.length === 1 && args[0] === ''))
    return `${label} takes at most ${most} arguments per ${flag.name} line (one per line)`;
  return undefined;
}

/** The type problem of a directive known to the flags table, or undefined; `label` names the line judged against. */
export function checkValue(flag: RedisConfigFlag, rawArgs: string[], label: string): string | undefined {
  const args = engineArgs(flag, rawArgs);
  const arity = arityProblem(flag, args, label);
  if (arity) return arity;
  const special = SPECIAL_CHECKS[flag.name];
  if (special) return special(args);
  switch (flag.type) {
    case 'Bool':
      return /^(yes|no)$/i.test(args[0] ?? '') ? undefined : "argument must be 'yes' or 'no'";
    case 'Enum':
      return checkEnum(flag, args, label);
    case 'String':
    case 'SDS':
    case 'Special':
      return undefined;
    default: {
      const spec = numericSpecOfFlag(flag);
      if (!spec) return `no numeric bounds known for ${flag.name} in ${label}`;
      return checkNumeric(spec, args[0] ?? '');
    }
  }
}
