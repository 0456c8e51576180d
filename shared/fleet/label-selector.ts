/**
 * Kubernetes label selector semantics (apimachinery labels.Selector from metav1.LabelSelector): matchLabels and
 * every matchExpression are ANDed; `NotIn` and `DoesNotExist` match an object without the key; an empty selector
 * matches everything.
 */
import type { LabelSelector } from './spec.ts';

type Expression = NonNullable<LabelSelector['matchExpressions']>[number];

export function matchesLabelSelector(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (selector === undefined) return true;
  const labelsMatch = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  return labelsMatch && (selector.matchExpressions ?? []).every((e) => matchesExpression(e, labels));
}

function matchesExpression(e: Expression, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, e.key);
  const inValues = has && (e.values ?? []).includes(labels[e.key] ?? '');
  switch (e.operator) {
    case 'In':
      return inValues;
    case 'NotIn':
      return !inValues;
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}
