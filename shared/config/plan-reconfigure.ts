/**
 * The decision of the apply-config step, pure: given the Redis spec.configuration (+ the user secret's conf text)
 * and the ops request's spec.configuration, what to write, what the pods will run, what changed, and whether to
 * restart. KubeDB semantics (its Redis reconfigure guide,
 * https://kubedb.com/docs/latest/guides/redis/reconfigure/; docs/config-semantics.md): configSecret REPLACES the secret reference; applyConfig
 * MERGES into the inline config per directive; removeCustomConfig drops both first, then applies the rest of the
 * same request; precedence operator defaults < secret < inline.
 */
import { InvalidConfigError } from '../errors.ts';
import { buildEffectiveConfig, effectiveDirectives } from './effective-config.ts';
import { resolveTable, type Distribution, type EngineTable, type Mode } from './flags.ts';
import { decideApplyPath, type LiveDecision } from './live-apply.ts';
import { keyedSettings, mergeConfigs, type KeyedSetting } from './merge.ts';
import { runtimeValue } from './normalise.ts';
import { lineAndReason, parseRedisConf, parseRedisConfCollecting, renderConfig } from './parse.ts';
import { configProblems, formatProblems } from './validate.ts';
import { tableForVersion, type EngineVersion } from './versions.ts';
import { runtimeMutable, type ChangedDirective } from './verify.ts';

/**
 * Largest configuration piece (a configSecret's conf, an applyConfig value, the kept inline config), in UTF-8 bytes.
 * Decided in docs/config-semantics.md: the inline config lives in the Redis object and the ops request (etcd objects
 * read by every watcher), and a real redis.conf without its comments is a few KiB.
 */
export const MAX_CONFIG_PIECE_BYTES = 64 * 1024;

export interface CurrentConfig {
  secretName?: string;
  secretConf?: string;
  inline?: Record<string, string>;
}

export interface ReconfigureRequest {
  configSecret?: { name: string; conf: string | undefined /* undefined: the secret has no such key */ };
  applyConfig?: Record<string, string>;
  removeCustomConfig?: boolean;
  restart?: 'auto' | 'true' | 'false';
}

export interface ReconfigurePlan {
  next: { secretName?: string; inline?: Record<string, string> };
  effectiveConfig: string;
  previousEffectiveConfig: string;
  changed: ChangedDirective[];
  restart: { needed: boolean; reason: string; immutable: string[] };
  /**
   * The line judged against and how the change reaches the pods (live-apply.ts): `live` (CONFIG SET only),
   * `rolling` (restart every pod), `live-with-pending` (restart "false": CONFIG SET the mutable ones, the
   * restart-only ones in `pending`), `none`.
   */
  live: LiveDecision;
}

interface PlanInput {
  current: CurrentConfig;
  request: ReconfigureRequest;
  configKey: 'redis.conf' | 'valkey.conf';
  mode: Mode;
  distribution: Distribution;
  /** The RedisVersion's spec.version (+ distribution): picks the directive table. Default: the distribution's line. */
  version?: EngineVersion;
}

/** The table for the input: the version's line when given, else the distribution's default line. */
export function planTable(input: Pick<PlanInput, 'distribution' | 'version'>): EngineTable {
  if (!input.version) return resolveTable(input.distribution);
  // The RedisVersion's distribution wins; the caller's (from the same RedisVersion today) fills in when it is unset.
  return tableForVersion({
    version: input.version.version,
    distribution: input.version.distribution ?? input.distribution,
  });
}

/** Request-shape errors: nothing can be planned, so they are thrown before any config is read. */
function checkRequestShape({ request, configKey }: PlanInput): void {
  const applyKeys = Object.keys(request.applyConfig ?? {});
  if (!request.configSecret && applyKeys.length === 0 && request.removeCustomConfig !== true) {
    throw new InvalidConfigError(
      'nothing to reconfigure: at least one of configSecret, applyConfig or removeCustomConfig must be specified',
    );
  }
  const wrong = applyKeys.filter((k) => k !== configKey);
  if (wrong.length > 0) {
    const keys = wrong.map((k) => JSON.stringify(k)).join(', ');
    throw new InvalidConfigError(`applyConfig key ${keys} is not valid for this database: expected "${configKey}"`);
  }
  if (request.configSecret && request.configSecret.conf === undefined) {
    throw new InvalidConfigError(`secret "${request.configSecret.name}" has no key "${configKey}"`);
  }
  const applyText = request.applyConfig?.[configKey];
  if (applyText !== undefined) {
    const parsed = parseRedisConfCollecting(applyText, `applyConfig["${configKey}"]`);
    if (parsed.directives.length === 0 && parsed.problems.length === 0)
      throw new InvalidConfigError(
        `applyConfig["${configKey}"]: nothing to apply (no directive, only blank lines or comments)`,
        { reason: 'nothing to apply' },
      );
  }
}

function checkSize(text: string | undefined, source: string, problems: string[]): boolean {
  if (text === undefined) return true;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= MAX_CONFIG_PIECE_BYTES) return true;
  problems.push(
    `${source}: is ${bytes} bytes; a configuration piece may be at most ${MAX_CONFIG_PIECE_BYTES} bytes (64 KiB)`,
  );
  return false;
}

/** Parses and validates one user-supplied piece, appending its problems (size, syntax, policy, type). */
function checkPiece(
  text: string | undefined,
  source: string,
  ctx: { distribution: Distribution; table: EngineTable },
  problems: string[],
): void {
  if (text === undefined || !checkSize(text, source, problems)) return;
  const parsed = parseRedisConfCollecting(text, source);
  const lineOf = (p: string): number => Number(/ line (\d+):/.exec(p)?.[1] ?? 0);
  // Syntax and value problems interleaved in line order, as the user reads the file.
  const all = [...parsed.problems, ...configProblems(parsed.directives, ctx)];
  problems.push(...all.sort((a, b) => lineOf(a) - lineOf(b)));
}

function diff(before: Map<string, KeyedSetting>, after: Map<string, KeyedSetting>): ChangedDirective[] {
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  const comparable = (s: KeyedSetting | undefined): string | undefined =>
    s ? runtimeValue(s.name, s.args) : undefined;
  return keys.flatMap((key) => {
    const b = before.get(key);
    const a = after.get(key);
    if (comparable(b) === comparable(a)) return [];
    return [{ name: (a ?? b)?.name ?? key, key, before: b?.args, after: a?.args }];
  });
}

function decideRestart(
  restart: ReconfigureRequest['restart'],
  changed: ChangedDirective[],
  table: EngineTable,
): ReconfigurePlan['restart'] {
  const immutable = [...new Set(changed.map((c) => c.name).filter((n) => !runtimeMutable(n, table)))].sort();
  if (restart === 'true') return { needed: true, reason: 'restart: "true" was requested', immutable };
  if (restart === 'false') {
    const pending = immutable.length > 0 ? `; ${immutable.join(', ')} take effect only after the next restart` : '';
    return { needed: false, reason: `restart: "false" was requested${pending}`, immutable };
  }
  if (changed.length === 0) return { needed: false, reason: 'the effective configuration did not change', immutable };
  const names = [...new Set(changed.map((c) => c.key))].join(', ');
  return { needed: true, reason: `the effective configuration changed: ${names}`, immutable };
}

/** The Redis spec.configuration to write, plus the user secret's conf text the pods will use. */
function nextConfiguration({ current, request, configKey }: PlanInput): {
  secretName?: string;
  secretConf?: string;
  inline?: Record<string, string>;
} {
  const remove = request.removeCustomConfig === true;
  const keptInline = remove ? undefined : current.inline;
  const applyText = request.applyConfig?.[configKey];
  const secretName = request.configSecret ? request.configSecret.name : remove ? undefined : current.secretName;
  const secretConf = request.configSecret ? request.configSecret.conf : remove ? undefined : current.secretConf;
  let inline = keptInline ? { ...keptInline } : undefined;
  if (applyText !== undefined) {
    const merged = mergeConfigs(
      parseRedisConf(keptInline?.[configKey] ?? '', 'inline'),
      parseRedisConf(applyText, 'applyConfig'),
    );
    inline = { ...(inline ?? {}), [configKey]: renderConfig(merged) };
  }
  const out: { secretName?: string; secretConf?: string; inline?: Record<string, string> } = {};
  if (secretName !== undefined) out.secretName = secretName;
  if (secretConf !== undefined) out.secretConf = secretConf;
  if (inline !== undefined) out.inline = inline;
  return out;
}

export function planReconfigure(input: PlanInput): ReconfigurePlan {
  checkRequestShape(input);
  const { current, request, configKey, mode, distribution } = input;
  const table = planTable(input);
  const ctx = { distribution, table };
  const problems: string[] = [];
  const keptInline = request.removeCustomConfig === true ? undefined : current.inline?.[configKey];
  checkPiece(keptInline, `spec.configuration.inline["${configKey}"]`, ctx, problems);
  checkPiece(
    request.configSecret?.conf,
    `configSecret "${request.configSecret?.name ?? ''}" key ${configKey}`,
    ctx,
    problems,
  );
  checkPiece(request.applyConfig?.[configKey], `applyConfig["${configKey}"]`, ctx, problems);
  if (problems.length > 0) throw new InvalidConfigError(formatProblems(problems), lineAndReason(problems[0]));

  const { secretConf, ...next } = nextConfiguration(input);
  const nextInput = { mode, distribution, secretConf, inlineConf: next.inline?.[configKey] };
  const prevInput = { mode, distribution, secretConf: current.secretConf, inlineConf: current.inline?.[configKey] };
  const changed = diff(keyedSettings(effectiveDirectives(prevInput)), keyedSettings(effectiveDirectives(nextInput)));
  const effectiveConfig = buildEffectiveConfig(nextInput);
  return {
    next,
    effectiveConfig,
    previousEffectiveConfig: buildEffectiveConfig(prevInput),
    changed,
    restart: decideRestart(request.restart, changed, table),
    live: decideApplyPath(request.restart, changed, effectiveConfig, table),
  };
}
