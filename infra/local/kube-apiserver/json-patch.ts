/** RFC 7386 JSON merge patch and RFC 6902 JSON patch, with the errors the real server returns for them. */
import { badRequest, unprocessable } from './errors.ts';

type Json = unknown;
type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

interface Op {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw unprocessable(`invalid JSON pointer: "${p}"`);
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as JsonObject)[k], (b as JsonObject)[k]));
}

/** Returns [container, key] for the parent of `tokens`' last token; throws when the path is missing. */
function locate(doc: Json, tokens: string[], op: string, path: string): [JsonObject | unknown[], string] {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    const next: unknown = Array.isArray(cur) ? (cur as unknown[])[Number(t)] : isObject(cur) ? cur[t] : undefined;
    if (next === undefined || next === null || typeof next !== 'object') {
      throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
    }
    cur = next;
  }
  return [cur as JsonObject | unknown[], tokens[tokens.length - 1]!];
}

function arrayIndex(arr: unknown[], key: string, forAdd: boolean, op: string, path: string): number {
  if (forAdd && key === '-') return arr.length;
  const i = Number(key);
  if (!/^\d+$/.test(key) || i > arr.length || (!forAdd && i === arr.length)) {
    throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  }
  return i;
}

function get(doc: Json, path: string, op: string): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return doc;
  const [c, k] = locate(doc, tokens, op, path);
  const v = Array.isArray(c) ? c[arrayIndex(c, k, false, op, path)] : c[k];
  if (v === undefined)
    throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  return v;
}

function remove(doc: Json, path: string, op: string): unknown {
  const tokens = parsePointer(path);
  const [c, k] = locate(doc, tokens, op, path);
  if (Array.isArray(c)) return c.splice(arrayIndex(c, k, false, op, path), 1)[0];
  if (!(k in c)) throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  const v = c[k];
  delete c[k];
  return v;
}

function add(doc: Json, path: string, value: unknown, op: string): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const [c, k] = locate(doc, tokens, op, path);
  if (Array.isArray(c)) c.splice(arrayIndex(c, k, true, op, path), 0, value);
  else c[k] = value;
  return doc;
}

function replace(doc: Json, path: string, value: unknown, op: string): Json {
  if (parsePointer(path).length === 0) return structuredClone(value);
  remove(doc, path, op);
  return add(doc, path, structuredClone(value), op);
}

function testValue(doc: Json, path: string, value: unknown, op: string): Json {
  if (!deepEqual(get(doc, path, op), value)) throw unprocessable(`testing value ${path} failed: test failed`);
  return doc;
}

/** Each RFC 6902 operation: the document after it (the document is changed in place unless its root is replaced). */
const OPERATIONS = new Map<string, (doc: Json, o: Op) => Json>([
  ['add', (doc, o) => add(doc, o.path, structuredClone(o.value), o.op)],
  [
    'remove',
    (doc, o) => {
      remove(doc, o.path, o.op);
      return doc;
    },
  ],
  ['replace', (doc, o) => replace(doc, o.path, o.value, o.op)],
  ['move', (doc, o) => add(doc, o.path, remove(doc, o.from ?? '', o.op), o.op)],
  ['copy', (doc, o) => add(doc, o.path, structuredClone(get(doc, o.from ?? '', o.op)), o.op)],
  ['test', (doc, o) => testValue(doc, o.path, o.value, o.op)],
]);

/** Applies a JSON patch to a deep copy. Malformed patch → 400; a failing operation → 422 (as the real server). */
export function jsonPatch(target: Json, patch: Json): Json {
  if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = structuredClone(target);
  for (const raw of patch as Op[]) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw badRequest('invalid JSON patch operation: ' + JSON.stringify(raw));
    }
    const apply = OPERATIONS.get(raw.op);
    if (!apply) throw badRequest(`Unexpected kind: ${raw.op}`);
    doc = apply(doc, raw);
  }
  return doc;
}
