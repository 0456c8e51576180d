/** Output as kubectl prints it: aligned columns with upper-case headers, ages in its short form, or JSON / YAML. */
import type { OutputFormat } from './args.ts';

/** Columns separated by three spaces (kubectl's tabwriter padding); no trailing blanks. */
export function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

/**
 * Kubernetes' duration.HumanDuration (k8s.io/apimachinery/pkg/util/duration), the AGE column of `kubectl get`:
 * seconds up to 2 minutes, then minutes (with seconds under 10 min), hours, days, years.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  const withRest = (big: number, unit: string, rest: number, restUnit: string): string =>
    rest === 0 ? `${big}${unit}` : `${big}${unit}${rest}${restUnit}`;
  if (minutes < 10) return withRest(minutes, 'm', seconds % 60, 's');
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return withRest(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return withRest(days, 'd', hours % 24, 'h');
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return withRest(years, 'y', days % 365, 'd');
  return `${years}y`;
}

/** `-o json` / `-o yaml`: a kubectl-like `List` of the items, so `jq '.items[]'` works as with kubectl. */
export async function structured(format: Extract<OutputFormat, 'json' | 'yaml'>, items: unknown[]): Promise<string> {
  const list = { apiVersion: 'v1', kind: 'List', items };
  if (format === 'json') return JSON.stringify(list, null, 2);
  const { stringify } = await import('yaml'); // loaded only for -o yaml: --help and flag errors stay quick
  return stringify(list).trimEnd();
}
