/**
 * Reading a packaged CloudFormation template the way CloudFormation will: Conditions evaluated from the literal
 * values osls baked in, `Fn::If` resolved, `AWS::NoValue` removed — so assertions see what AWS would create.
 */
import type { PackageResult } from '../../scripts/package.ts';

export type Template = PackageResult['template'];
export type Resource = Template['Resources'][string];

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const NO_VALUE = Symbol('AWS::NoValue');

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** Condition name → value, for conditions built from Fn::Equals / Not / And / Or / Condition over literals. */
export function evaluateConditions(
  template: Template,
  overrides: Record<string, boolean> = {},
): Record<string, boolean> {
  const conditions = template.Conditions ?? {};
  const values: Record<string, boolean> = {};
  const evaluate = (expr: Json): boolean => {
    if (!isObject(expr)) throw new TemplateError(`condition: ${JSON.stringify(expr)}`);
    const [fn, args] = Object.entries(expr)[0] ?? [];
    const list = Array.isArray(args) ? args : [];
    switch (fn) {
      case 'Fn::Equals':
        return JSON.stringify(list[0]) === JSON.stringify(list[1]);
      case 'Fn::Not':
        return !evaluate(list[0]);
      case 'Fn::And':
        return list.every(evaluate);
      case 'Fn::Or':
        return list.some(evaluate);
      case 'Condition':
        return valueOf(String(args));
      default:
        throw new TemplateError(`unsupported condition function ${fn}`);
    }
  };
  const valueOf = (name: string): boolean => {
    if (name in overrides) return overrides[name]!;
    if (!(name in values)) {
      if (!(name in conditions)) throw new TemplateError(`unknown condition ${name}`);
      values[name] = evaluate(conditions[name]);
    }
    return values[name]!;
  };
  for (const name of Object.keys(conditions)) valueOf(name);
  return { ...values, ...overrides };
}

/** The template as deployed with these condition values: Fn::If chosen, NoValue properties and items dropped. */
export function resolveTemplate(template: Template, overrides: Record<string, boolean> = {}): Template {
  const conditions = evaluateConditions(template, overrides);
  // Returns NO_VALUE (a symbol) for `Ref: AWS::NoValue`, which the caller drops.
  const walk = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(walk).filter((v) => v !== NO_VALUE);
    if (!isObject(value)) return value;
    if (value.Ref === 'AWS::NoValue') return NO_VALUE;
    const fnIf = value['Fn::If'];
    if (Array.isArray(fnIf) && Object.keys(value).length === 1) {
      const [name, whenTrue, whenFalse] = fnIf as [string, Json, Json];
      if (!(name in conditions)) throw new TemplateError(`Fn::If on unknown condition ${name}`);
      return walk(conditions[name] ? whenTrue : whenFalse);
    }
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) {
      const resolved = walk(v);
      if (resolved !== NO_VALUE) out[k] = resolved;
    }
    return out;
  };
  const resources = Object.fromEntries(
    Object.entries(template.Resources).filter(([, r]) => r.Condition === undefined || conditions[r.Condition]),
  );
  return walk({ ...template, Resources: resources }) as Template;
}

export function ofType(resources: Record<string, Resource>, type: string): [string, Resource][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

export function getAtt(value: unknown, attribute = 'Arn'): string | undefined {
  const att = (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  return att?.[1] === attribute ? att[0] : undefined;
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** The statements of a role's inline policies, or of a managed policy. */
export function statementsOf(resource: Resource): Statement[] {
  const props = resource.Properties ?? {};
  const documents =
    props.PolicyDocument !== undefined ? [{ PolicyDocument: props.PolicyDocument }] : (props.Policies ?? []);
  return (documents as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
}

export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
export const resourcesOf = (s: Statement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/** A resource as a short readable string: `HaltQueue` (GetAtt Arn), `ref:EventsTopic`, `split:,:a,b`, or the Sub text. */
export function describeResource(r: unknown): string {
  if (typeof r === 'string') return r;
  const arnOf = getAtt(r);
  if (arnOf !== undefined) return arnOf;
  if (isObject(r) && typeof r.Ref === 'string') return `ref:${r.Ref}`;
  if (isObject(r) && typeof r['Fn::Sub'] === 'string') return r['Fn::Sub'];
  if (isObject(r) && Array.isArray(r['Fn::Split'])) {
    const [sep, text] = r['Fn::Split'] as [string, unknown];
    return `split:${sep}:${describeResource(text)}`;
  }
  return JSON.stringify(r);
}

/** Each statement as `action,action → resource,resource`, sorted: easy to compare with an expected set. */
export function policySummary(role: Resource): string[] {
  return statementsOf(role)
    .map((s) => {
      assertEqualEffect(s);
      return `${[...actionsOf(s)].sort().join(',')} → ${resourcesOf(s).map(describeResource).sort().join(',')}`;
    })
    .sort();
}

function assertEqualEffect(s: Statement): void {
  if (s.Effect !== 'Allow') throw new TemplateError(`unexpected ${s.Effect} statement`);
}
