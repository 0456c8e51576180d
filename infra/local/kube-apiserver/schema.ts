/**
 * CRD structural-schema admission like apiextensions-apiserver: prune unknown fields, apply `default`s, then validate
 * (types, enums, required...) and report violations as field causes (`spec.type: Unsupported value: ...`).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { KubeObject, ValidationCause } from './types.ts';

export type JsonSchema = Record<string, unknown> & {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
};

const ajv = new Ajv({ strict: false, useDefaults: true, allErrors: true, validateFormats: false });

/** Removes fields the schema does not declare, as the real server does for structural schemas (no error). */
function prune(value: unknown, schema: JsonSchema | undefined): void {
  if (!schema || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) prune(item, schema.items);
    return;
  }
  pruneObject(value as Record<string, unknown>, schema);
}

function pruneObject(obj: Record<string, unknown>, schema: JsonSchema): void {
  for (const key of Object.keys(obj)) {
    const sub = fieldSchema(schema, key);
    if (sub !== undefined) prune(obj[key], sub);
    else if (dropsUnknownField(schema, key)) delete obj[key];
  }
}

/** The schema of an object's field: its declared one, else the `additionalProperties` schema; undefined if neither. */
function fieldSchema(schema: JsonSchema, key: string): JsonSchema | undefined {
  const declared = schema.properties?.[key];
  if (declared) return declared;
  return typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
}

const EMBEDDED_RESOURCE_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/** Whether a field without a schema is pruned: not when unknown fields are preserved, nor an embedded resource's type and metadata. */
function dropsUnknownField(schema: JsonSchema, key: string): boolean {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true || schema.additionalProperties === true) return false;
  if (!schema.properties && schema.type !== 'object') return false;
  return !schema['x-kubernetes-embedded-resource'] || !EMBEDDED_RESOURCE_FIELDS.has(key);
}

function fieldPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').slice(1);
  if (extra) parts.push(extra);
  let out = '';
  for (const raw of parts) {
    const p = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  }
  return out;
}

function quote(v: unknown): string {
  return JSON.stringify(v);
}

function valueAt(root: unknown, instancePath: string): unknown {
  let cur = root;
  for (const raw of instancePath.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

/** Maps an ajv error to the cause the real server would report (k8s.io/apimachinery field.Error strings). */
function toCause(e: ErrorObject, root: unknown): ValidationCause | undefined {
  const params = e.params as Record<string, unknown>;
  const field = fieldPath(e.instancePath);
  const value = valueAt(root, e.instancePath);
  switch (e.keyword) {
    case 'required':
      return {
        field: fieldPath(e.instancePath, String(params.missingProperty)),
        message: 'Required value',
        reason: 'FieldValueRequired',
      };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(quote).join(', ');
      return {
        field,
        message: `Unsupported value: ${quote(value)}: supported values: ${allowed}`,
        reason: 'FieldValueNotSupported',
      };
    }
    case 'type':
      return {
        field,
        message: `Invalid value: "${typeof value === 'object' ? (Array.isArray(value) ? 'array' : 'object') : typeof value}": ${field} in body must be of type ${String(params.type)}: ${quote(value)}`,
        reason: 'FieldValueTypeInvalid',
      };
    case 'anyOf':
    case 'oneOf':
    case 'if':
      return undefined; // the branch errors are reported on their own
    default:
      return {
        field,
        message: `Invalid value: ${quote(value)}: ${field} in body ${e.message ?? 'is invalid'}`,
        reason: 'FieldValueInvalid',
      };
  }
}

export function compileAdmission(schema: JsonSchema): (obj: KubeObject) => ValidationCause[] {
  // metadata is validated by the server's ObjectMeta rules, never by the CRD schema.
  const props = { ...(schema.properties ?? {}) };
  delete props.metadata;
  const forAjv: JsonSchema = { ...schema, properties: props };
  let validate: ValidateFunction | undefined;
  return (obj) => {
    validate ??= ajv.compile(forAjv); // lazily: compiling every CRD version at start costs ~100 ms each
    const { metadata } = obj;
    prune(obj, forAjv);
    obj.metadata = metadata;
    if (validate(obj)) return [];
    const causes: ValidationCause[] = [];
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      const c = toCause(e, obj);
      if (!c || seen.has(c.field + c.message)) continue;
      seen.add(c.field + c.message);
      causes.push(c);
    }
    return causes.length > 0 ? causes : [{ field: '<root>', message: 'Invalid value', reason: 'FieldValueInvalid' }];
  };
}
