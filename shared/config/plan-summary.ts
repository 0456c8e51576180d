/**
 * A reconfigure plan in words, pure: for each changed directive whether the database's line can CONFIG SET it, the
 * path (live / rolling / live-with-pending / none) and why, and one line for all of it. One home for the words: the
 * apply-config step records `planSummaryLine` in its UpdatePetSets condition, and `redis-reconfigure plan` prints
 * the same line above its tables (cli/plan-view.ts), so what the plan said and what the step did read alike.
 */
import { canonicalDirectiveName, defaultRuntimeValue, ENGINE_TABLES } from './flags.ts';
import { restartOnlyReason } from './live-apply.ts';
import type { ReconfigurePlan } from './plan-reconfigure.ts';

export interface DirectiveChange {
  /** Canonical directive name; `key` tells client-output-buffer-limit classes apart. */
  directive: string;
  key: string;
  /** The effective config's arguments before and after, joined; undefined = not set (the engine's default). */
  before: string | undefined;
  after: string | undefined;
  /** The line's built-in value, shown where before or after is unset (what a pod runs without the directive). */
  builtIn?: string;
  mutability: 'mutable' | 'restart-only';
  /** Why it is restart-only on this line (e.g. `IMMUTABLE_CONFIG in Redis 7.2`). */
  reason?: string;
}

/** The changed directives with their mutability on the plan's line, in the plan's (sorted) order. */
export function directiveChanges(plan: ReconfigurePlan): DirectiveChange[] {
  const table = ENGINE_TABLES.find((t) => t.label === plan.live.line);
  const mutable = new Set(plan.live.mutable);
  return plan.changed.map((c) => {
    const directive = canonicalDirectiveName(c.name);
    const unset = c.before === undefined || c.after === undefined;
    // client-output-buffer-limit's built-in value covers every class; one class's key has its own (live-apply.ts).
    const builtIn =
      unset && table !== undefined && c.key === directive ? defaultRuntimeValue(directive, table) : undefined;
    const base = {
      directive,
      key: c.key,
      before: c.before?.join(' '),
      after: c.after?.join(' '),
      ...(builtIn !== undefined ? { builtIn } : {}),
    };
    if (mutable.has(directive)) return { ...base, mutability: 'mutable' as const };
    // decideApplyPath counts a removed directive whose restart value is unknown as restart-only, though settable.
    const why = table === undefined ? undefined : restartOnlyReason(directive, table);
    return {
      ...base,
      mutability: 'restart-only' as const,
      reason: why ?? `removed, and ${plan.live.line} has no known built-in value to CONFIG SET it back to`,
    };
  });
}

const listed = (names: readonly string[]): string => names.join(', ');

/** Why the plan takes its path, in one clause. */
export function pathReason(plan: ReconfigurePlan, restart: 'auto' | 'true' | 'false' = 'auto'): string {
  const { path, mutable, immutable, pending, line } = plan.live;
  switch (path) {
    case 'none':
      return 'the effective configuration does not change';
    case 'live':
      return restart === 'false'
        ? `restart: "false" and every changed directive is CONFIG SET-able on ${line}`
        : `restart: auto and every changed directive is CONFIG SET-able on ${line}`;
    case 'live-with-pending':
      return `restart: "false": ${mutable.length > 0 ? `${listed(mutable)} CONFIG SET live, ` : ''}${listed(pending)} restart-only on ${line}, persisted and pending until each pod's next restart`;
    case 'rolling':
      return restart === 'true' || immutable.length === 0
        ? 'restart: "true" was requested'
        : `restart-only on ${line}: ${listed(immutable)}`;
  }
}

/**
 * The plan in one line: path, line judged against, why, and — when known — the pods in the order they are set or
 * restarted. `pods` is what the step or the CLI observed (the canary first on a live path).
 */
export function planSummaryLine(
  plan: ReconfigurePlan,
  restart: 'auto' | 'true' | 'false' = 'auto',
  pods?: readonly string[],
): string {
  const { path } = plan.live;
  const order = pods === undefined || pods.length === 0 ? '' : `; pods in order: ${pods.join(', ')}`;
  const what =
    path === 'rolling'
      ? `rolling restart (${pathReason(plan, restart)})`
      : path === 'none'
        ? `nothing to apply (${pathReason(plan, restart)})`
        : `${path === 'live' ? 'live' : 'live with pending restart'}, no pod restarted (${pathReason(plan, restart)})`;
  const changed =
    plan.changed.length === 0
      ? ''
      : `; changed: ${listed([...new Set(directiveChanges(plan).map((c) => c.directive))])}`;
  return `plan: ${what}${changed}${order}`;
}
