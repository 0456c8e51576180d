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
export function prune(value: unknown, schema: JsonSchema | undefined): void {
  if (!schema || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) prune(item, schema.items);
    return;
  }
  const obj = value as Record<string, unknown>;
  const props = schema.properties;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  for (const key of Object.keys(obj)) {
    const sub = props?.[key];
    if (sub) prune(obj[key], sub);
    else if (typeof schema.additionalProperties === 'object') prune(obj[key], schema.additionalProperties);
    else if (!preserve && schema.additionalProperties !== true && (props || schema.type === 'object')) {
      if (!schema['x-kubernetes-embedded-resource'] || (key !== 'apiVersion' && key !== 'kind' && key !== 'metadata')) {
        delete obj[key];
      }
    }
  }
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
      return { field: fieldPath(e.instancePath, String(params.missingProperty)), message: 'Required value', reason: 'FieldValueRequired' };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(quote).join(', ');
      return { field, message: `Unsupported value: ${quote(value)}: supported values: ${allowed}`, reason: 'FieldValueNotSupported' };
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
      return { field, message: `Invalid value: ${quote(value)}: ${field} in body ${e.message ?? 'is invalid'}`, reason: 'FieldValueInvalid' };
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
