/**
 * The effective config that goes into the managed secret's default.conf: shared/config's directive-level merge
 * (operator defaults < user secret < inline). A config it cannot parse (unbalanced quotes, ...) becomes a problem
 * on the Redis status — reported, never retried in a loop — and the managed secret keeps its last good content.
 */
import {
  buildEffectiveConfig as build,
  type EffectiveConfigInput,
} from '../../../../shared/config/effective-config.ts';
import type { Problem } from './status.ts';

export function buildEffectiveConfig(input: EffectiveConfigInput): { config: string } | { problem: Problem } {
  try {
    return { config: build(input) };
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    return { problem: { reason: 'InvalidConfiguration', message: `${err.name}: ${err.message}` } };
  }
}
