/** Label and field selectors with the grammar of k8s.io/apimachinery/pkg/labels and /fields. */
import { badRequest } from './errors.ts';
import { selectableFields } from './selectable-fields.ts';
import type { KubeObject, ResourceType } from './types.ts';

type Requirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: '=' | '!='; values: string[] };

export type Matcher = (obj: KubeObject) => boolean;

/** Splits on commas that are not inside a `( ... )` value set. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((p) => p.trim()).filter((p) => p.length > 0);
}

function parseRequirement(term: string): Requirement {
  let m = /^([^\s!=(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (m) {
    const values = m[3]!
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v.length > 0);
    return { key: m[1]!, op: m[2] as 'in' | 'notin', values };
  }
  m = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(term);
  if (m) return { key: m[1]!, op: m[2] === '!=' ? '!=' : '=', values: [m[3]!] };
  m = /^!\s*([^\s!=(),]+)$/.exec(term);
  if (m) return { key: m[1]!, op: 'notexists' };
  m = /^([^\s!=(),]+)$/.exec(term);
  if (m) return { key: m[1]!, op: 'exists' };
  throw badRequest(`unable to parse requirement: found '${term}', expected: identifier or operator`);
}

function matches(r: Requirement, value: string | undefined): boolean {
  switch (r.op) {
    case 'exists':
      return value !== undefined;
    case 'notexists':
      return value === undefined;
    case '=':
      return value === r.values[0];
    case '!=':
      return value !== r.values[0];
    case 'in':
      return value !== undefined && r.values.includes(value);
    case 'notin':
      return value === undefined || !r.values.includes(value);
  }
}

export function parseLabelSelector(sel: string | null): Matcher | undefined {
  if (!sel) return undefined;
  const reqs = splitTopLevel(sel).map(parseRequirement);
  return (obj) => reqs.every((r) => matches(r, obj.metadata.labels?.[r.key]));
}

/**
 * Field selectors support only `=`, `==`, `!=`, on the labels the kind accepts (selectable-fields.ts); any other label
 * is refused with the real server's 400 BadRequest.
 */
export function parseFieldSelector(sel: string | null, t: ResourceType): Matcher | undefined {
  if (!sel) return undefined;
  const fields = selectableFields(t);
  const reqs = splitTopLevel(sel).map((term) => {
    const m = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${sel}'; can't understand '${term}'`);
    const read = fields.get(m[1]!);
    if (!read) throw badRequest(`field label not supported: ${m[1]!}`);
    return { read, neg: m[2] === '!=', value: m[3]!.trim() };
  });
  return (obj) => reqs.every((r) => (r.read(obj) === r.value) !== r.neg);
}

export function combine(...ms: (Matcher | undefined)[]): Matcher | undefined {
  const list = ms.filter((m): m is Matcher => m !== undefined);
  if (list.length === 0) return undefined;
  if (list.length === 1) return list[0];
  return (obj) => list.every((m) => m(obj));
}
