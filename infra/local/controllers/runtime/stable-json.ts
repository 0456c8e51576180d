/**
 * "Did anything change?" for objects read back from the API. Keys are sorted (servers reorder them) and times are
 * compared at second precision (metav1.Time is serialised as RFC 3339 seconds, and client-node turns typed
 * fields into Date objects), so a controller never loops re-patching the same status.
 */
const ISO_MILLIS = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z$/;

export const toRfc3339 = (d: Date): string => d.toISOString().replace(/\.\d+Z$/, 'Z');
export const nowRfc3339 = (): string => toRfc3339(new Date());

export function stableStringify(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = key === '' ? v : this[key]; // JSON.stringify has already called Date.toJSON on v
    if (raw instanceof Date) return toRfc3339(raw);
    if (typeof v === 'string' && ISO_MILLIS.test(v)) return v.replace(ISO_MILLIS, '$1Z');
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .filter(([, x]) => x !== undefined && x !== null)
          .sort(([a], [b]) => a.localeCompare(b)),
      );
    }
    return v;
  });
}

export const sameJson = (a: unknown, b: unknown): boolean => stableStringify(a) === stableStringify(b);
