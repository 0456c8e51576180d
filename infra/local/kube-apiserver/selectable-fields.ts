/**
 * The field selector labels each kind accepts, and how each label reads its value: the real server's field label
 * conversion funcs (k8s.io/kubernetes pkg/apis/core/v1/conversion.go, pkg/apis/events/v1/conversion.go) and
 * ToSelectableFields in the registries. Any other label is a 400 "field label not supported", so a selector that a
 * real cluster would refuse is refused here too. A missing field reads as "", as in a fields.Set.
 */
import type { KubeObject, ResourceType } from './types.ts';

type FieldGetter = (obj: KubeObject) => string;

function at(path: string): FieldGetter {
  const parts = path.split('.');
  return (obj) => {
    let cur: unknown = obj;
    for (const part of parts) {
      if (cur === null || typeof cur !== 'object') return '';
      cur = (cur as Record<string, unknown>)[part];
    }
    return typeof cur === 'string' || typeof cur === 'number' || typeof cur === 'boolean' ? String(cur) : '';
  };
}

const either =
  (first: FieldGetter, fallback: FieldGetter): FieldGetter =>
  (obj) =>
    first(obj) || fallback(obj);

/** Every kind's default (DefaultMetaV1FieldSelectorConversion), custom resources included. */
const META: Record<string, FieldGetter> = {
  'metadata.name': at('metadata.name'),
  'metadata.namespace': at('metadata.namespace'),
};

const POD: Record<string, FieldGetter> = {
  ...META,
  'spec.nodeName': at('spec.nodeName'),
  'spec.host': at('spec.nodeName'), // accepted for old clients, converted to spec.nodeName
  'spec.restartPolicy': at('spec.restartPolicy'),
  'spec.schedulerName': at('spec.schedulerName'),
  'spec.serviceAccountName': at('spec.serviceAccountName'),
  'spec.hostNetwork': (o) => String((o.spec as { hostNetwork?: unknown } | undefined)?.hostNetwork === true),
  'status.phase': at('status.phase'),
  // The primary IP is podIPs[0]; the server keeps podIP in step with it.
  'status.podIP': either(at('status.podIPs.0.ip'), at('status.podIP')),
  // Accepted by the conversion but absent from the pod's field set: it always reads "".
  'status.podIPs': () => '',
  'status.nominatedNodeName': at('status.nominatedNodeName'),
};

const OBJECT_REF_FIELDS = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'];

const refFields = (prefix: string): Record<string, FieldGetter> =>
  Object.fromEntries(OBJECT_REF_FIELDS.map((f) => [`${prefix}.${f}`, at(`${prefix}.${f}`)]));

const CORE_EVENT: Record<string, FieldGetter> = {
  ...META,
  ...refFields('involvedObject'),
  reason: at('reason'),
  type: at('type'),
  reportingComponent: at('reportingComponent'),
  source: either(at('source.component'), at('reportingComponent')),
};

/** events.k8s.io/v1 names the same fields after its own schema (regarding, reportingController, deprecatedSource). */
const EVENTS_V1_EVENT: Record<string, FieldGetter> = {
  ...META,
  ...refFields('regarding'),
  reason: at('reason'),
  type: at('type'),
  reportingController: at('reportingController'),
  source: either(at('deprecatedSource.component'), at('reportingController')),
};

const CORE: Record<string, Record<string, FieldGetter>> = {
  Pod: POD,
  Event: CORE_EVENT,
  Secret: { ...META, type: at('type') },
  Service: { ...META, 'spec.clusterIP': at('spec.clusterIP'), 'spec.type': at('spec.type') },
  // Cluster-scoped, and its conversion func lists no metadata.namespace.
  Namespace: { 'metadata.name': at('metadata.name'), 'status.phase': at('status.phase') },
};

const cache = new WeakMap<ResourceType, ReadonlyMap<string, FieldGetter>>();

/** Labels a kind accepts in a field selector. Custom resources: metadata only (no CRD declares selectableFields). */
export function selectableFields(t: ResourceType): ReadonlyMap<string, FieldGetter> {
  let fields = cache.get(t);
  if (!fields) {
    let table = META;
    if (!t.isCustom && t.group === '' && Object.hasOwn(CORE, t.kind)) table = CORE[t.kind]!;
    else if (!t.isCustom && t.group === 'events.k8s.io' && t.kind === 'Event') table = EVENTS_V1_EVENT;
    fields = new Map(Object.entries(table));
    cache.set(t, fields);
  }
  return fields;
}
