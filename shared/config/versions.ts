/**
 * Which directive table judges a database: its Redis spec.version names a RedisVersion (catalog.kubedb.com), whose
 * spec.version + spec.distribution pick the line. A version between lines uses the nearest LOWER line of the same
 * distribution (7.2.4 → Redis 7.2, 7.1.x → Redis 7.0, valkey 8.0.1 → Valkey 8.0, 8.4.0 → Redis 8.2): a directive
 * added in a later minor is then refused rather than guessed. Older than the oldest line: refused (no table).
 */
import { InvalidConfigError } from '../errors.ts';
import { ENGINE_TABLES, type Distribution, type EngineTable } from './flags.ts';

export interface EngineVersion {
  /** The RedisVersion's spec.version, e.g. `7.2.4`, `8.1.1`. */
  version: string;
  /** The RedisVersion's spec.distribution; KubeDB's default is Official. */
  distribution?: Distribution;
}

const NUMBERS = /^v?(\d+)(?:\.(\d+))?/;

export function tableForVersion(v: EngineVersion): EngineTable {
  const distribution = v.distribution ?? 'Official';
  const name = distribution === 'Valkey' ? 'Valkey' : 'Redis';
  const m = NUMBERS.exec(v.version.trim());
  if (!m)
    throw new InvalidConfigError(`cannot judge the configuration: ${name} version "${v.version}" is not a version`);
  const major = Number(m[1]);
  const minor = Number(m[2] ?? '0');
  const lines = ENGINE_TABLES.filter((t) => t.distribution === distribution);
  const lower = lines.filter((t) => t.major < major || (t.major === major && t.minor <= minor));
  const best = lower[lower.length - 1];
  if (!best) {
    const oldest = lines[0]?.label ?? name;
    throw new InvalidConfigError(
      `cannot judge the configuration of ${name} ${v.version}: it is older than the oldest directive table (${oldest})`,
    );
  }
  return best;
}
