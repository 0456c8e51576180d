/**
 * Directive arguments → the string `CONFIG GET` reports for them (the getters of src/config.c and notify.c), so the
 * config we wrote can be compared with what a pod runs, and `maxmemory 1gb` vs `maxmemory 1073741824` is no change.
 * Checked against a real redis-server in redis-server.boundary.test.ts.
 */
import { canonicalDirectiveName, defaultRuntimeValue, lookupAnyFlag, numericSpecOfFlag } from './flags.ts';
import { obufClassKey, type KeyedSetting } from './merge.ts';
import { parseMemory, parseNumeric } from './value-check.ts';
import { CLAMPED_RANGES, ENUM_SYNONYMS, MULTI_FLAG_ENUMS } from './value-specs.ts';

const KEYSPACE_TYPE_ORDER = ['g', '$', 'l', 's', 'h', 'z', 'x', 'e', 't', 'd', 'n'];
const KEYSPACE_ALL = ['g', '$', 'l', 's', 'h', 'z', 'x', 'e', 't', 'd']; // NOTIFY_ALL excludes 'n' and 'm'

/** notify.c keyspaceEventsFlagsToString: "A" hides the individual type flags (including 'n'), then K, E, m. */
function keyspaceEvents(value: string): string {
  const set = new Set<string>(value.split(''));
  if (set.has('A')) for (const c of KEYSPACE_ALL) set.add(c);
  const all = KEYSPACE_ALL.every((c) => set.has(c));
  let out = all ? 'A' : KEYSPACE_TYPE_ORDER.filter((c) => set.has(c)).join('');
  for (const c of ['K', 'E', 'm']) if (set.has(c)) out += c;
  return out;
}

/** printf("%f") then trimDoubleString: 6 decimals, trailing zeros and a trailing dot removed. */
function percentile(value: string): string {
  return Number(value).toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}

function enumValue(name: string, args: string[]): string {
  const lower = args.map((a) => a.toLowerCase());
  if (MULTI_FLAG_ENUMS.has(name)) {
    const order = (lookupAnyFlag(name)?.enumValues ?? []).filter((v) => v !== 'default');
    const set = order.filter((v) => lower.includes(v));
    return set.length > 0 ? set.join(' ') : 'default';
  }
  const v = lower[0] ?? '';
  return ENUM_SYNONYMS[name]?.[v] ?? v;
}

function numericValue(name: string, value: string): string {
  const flag = lookupAnyFlag(name);
  const spec = flag ? numericSpecOfFlag(flag) : undefined;
  if (!spec) return value;
  const n = parseNumeric(spec, value);
  if (typeof n === 'string') return value;
  if (spec.mode === 'memory-or-percent' && n < 0n) return `${-n}%`;
  if (spec.mode === 'octal') return n.toString(8);
  return clamp(name, n).toString();
}

function clamp(name: string, n: bigint): bigint {
  const range = CLAMPED_RANGES[name];
  if (range === undefined) return n;
  return n < range.min ? range.min : n > range.max ? range.max : n;
}

/** One client class group `<class> <hard> <soft> <secs>` as CONFIG GET prints it (class slave, bytes). */
export function obufGroup(args: string[]): string {
  const [cls = '', hard = '', soft = '', secs = ''] = args;
  const printed = obufClassKey(cls) === 'replica' ? 'slave' : cls.toLowerCase();
  return `${printed} ${parseMemory(hard) ?? hard} ${parseMemory(soft) ?? soft} ${BigInt(/^\d+$/.test(secs) ? secs : '0')}`;
}

const isEmptyList = (args: string[]): boolean => args.length === 1 && args[0] === '';

/** Special configs with their own getter in config.c. */
const SPECIAL_VALUES: Readonly<Record<string, (args: string[]) => string>> = {
  save: (args) => (isEmptyList(args) ? '' : args.map((a) => (/^\d+$/.test(a) ? BigInt(a).toString() : a)).join(' ')),
  'client-output-buffer-limit': (args) => obufGroup(args),
  'latency-tracking-info-percentiles': (args) => (isEmptyList(args) ? '' : args.map(percentile).join(' ')),
  'notify-keyspace-events': (args) => keyspaceEvents(args[0] ?? ''),
  'oom-score-adj-values': (args) => args.map((a) => (/^-?\d+$/.test(a) ? Number(a).toString() : a)).join(' '),
};

/**
 * The CONFIG GET value for a directive's arguments. For client-output-buffer-limit this is one class group only;
 * use obufRuntimeValue for the whole parameter.
 */
export function runtimeValue(name: string, args: string[]): string {
  const canonical = canonicalDirectiveName(name);
  const special = SPECIAL_VALUES[canonical];
  if (special) return special(args);
  const type = lookupAnyFlag(canonical)?.type;
  if (type === 'Bool') return (args[0] ?? '').toLowerCase();
  if (type === 'Enum') return enumValue(canonical, args);
  if (type === undefined || type === 'String' || type === 'SDS' || type === 'Special') return args.join(' ');
  return numericValue(canonical, args[0] ?? '');
}

/** The whole client-output-buffer-limit parameter: built-in defaults overridden per class by the settings. */
export function obufRuntimeValue(settings: Iterable<KeyedSetting>): string {
  const groups = new Map<string, string>();
  const defaults = (defaultRuntimeValue('client-output-buffer-limit') ?? '').split(' ');
  for (let i = 0; i < defaults.length; i += 4)
    groups.set(obufClassKey(defaults[i] ?? ''), obufGroup(defaults.slice(i, i + 4)));
  for (const s of settings)
    if (s.name === 'client-output-buffer-limit') groups.set(obufClassKey(s.args[0] ?? ''), obufGroup(s.args));
  return ['normal', 'replica', 'pubsub'].map((c) => groups.get(c) ?? '').join(' ');
}

/** Normalises a value CONFIG GET returned (idempotent on values this module produced). */
export function normaliseReported(parameter: string, value: string): string {
  const canonical = canonicalDirectiveName(parameter);
  if (canonical === 'client-output-buffer-limit') {
    const parts = value.split(/\s+/).filter(Boolean);
    const groups: KeyedSetting[] = [];
    for (let i = 0; i + 3 < parts.length; i += 4) groups.push({ name: canonical, args: parts.slice(i, i + 4) });
    return obufRuntimeValue(groups);
  }
  if (value === '') return runtimeValue(canonical, ['']);
  const flag = lookupAnyFlag(canonical);
  const multi = flag?.flags.includes('MULTI_ARG_CONFIG') === true || canonical === 'notify-keyspace-events';
  return runtimeValue(canonical, multi && canonical !== 'notify-keyspace-events' ? value.split(/\s+/) : [value]);
}
