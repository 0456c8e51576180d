/**
 * JSON with object keys sorted, for "did this write change anything?". The real server compares semantically
 * (apiequality.Semantic.DeepEqual for generation) or byte-wise on an encoding with a fixed key order (Go structs; sorted
 * maps for custom resources), so key order never counts as a change there. Here objects keep the order their writer
 * used, and a JSON patch `replace` (remove + add) moves the key to the end.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries);
  });
}

export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
