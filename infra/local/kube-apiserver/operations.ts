/**
 * The write/read semantics of the real API server's generic registry, independent of HTTP: create/update/patch/delete
 * with resourceVersion preconditions, generation, status subresource isolation, schema admission, graceful pod
 * deletion and finalizers. Every check runs on a copy before anything is committed (no partial writes).
 */
import { randomUUID } from 'node:crypto';
import { sameJson } from './canonical-json.ts';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  invalid,
  namespaceNotFound,
  notFound,
  unprocessable,
} from './errors.ts';
import { type DeleteOptions, checkPreconditions, deleteOptionsOf, withDisruptionTarget } from './delete-options.ts';
import { type ManagedFieldsEntry, managedFieldsAfter } from './managed-fields.ts';
import { metadataLabelAndAnnotationRules } from './metadata-validation.ts';

export { type DeleteOptions, deleteOptionsOf } from './delete-options.ts';
import { deletionGrace, isBuiltinKind, markedForDeletion, repeatedDeletion } from './graceful-deletion.ts';
import {
  type KindRuleContext,
  applyKindRules,
  generateName,
  metadataUpdateRules,
  nowIso,
  returnsDeletedObject,
  specPart,
  validateName,
} from './object-rules.ts';
import type { Registry } from './registry.ts';
import type { ObjectStore } from './store.ts';
import { type KubeObject, type ResourceType, apiVersionOf } from './types.ts';

export interface WriteOptions {
  dryRun?: boolean;
  subresource?: string;
  /** The field manager of a client write (managed-fields.ts); internal writes (GC, seeding) record none. */
  manager?: string;
  /** A server-side apply: the object already carries the applier's entry. */
  apply?: boolean;
}

/** managedFields without their timestamps: a write whose only change would be a timestamp is a no-op. */
function withoutManagedFieldTimes(o: KubeObject): KubeObject {
  const entries = o.metadata.managedFields as ManagedFieldsEntry[] | undefined;
  if (!entries) return o;
  return { ...o, metadata: { ...o.metadata, managedFields: entries.map(({ time: _time, ...e }) => e) } };
}

/** Present an object in the requested version (CRD versions share storage; conversion strategy None = relabel). */
export function present(t: ResourceType, obj: KubeObject): KubeObject {
  const apiVersion = apiVersionOf(t);
  return obj.apiVersion === apiVersion && obj.kind === t.kind ? obj : { ...obj, apiVersion, kind: t.kind };
}

export function namespaceType(registry: Registry): ResourceType {
  return registry.find('', 'v1', 'namespaces')!;
}

/**
 * Custom resources have a generation; of the built-in kinds served here none does in 1.32 (pods get one only from
 * 1.33, behind the PodObservedGenerationTracking feature gate; Secrets, ConfigMaps... never).
 */
function tracksGeneration(t: ResourceType): boolean {
  return t.isCustom;
}

/** A body without an object `metadata` is a 400 before anything else. */
function requireMetadata(input: KubeObject): void {
  if (!input || typeof input !== 'object' || typeof input.metadata !== 'object' || input.metadata === null) {
    throw badRequest('Object metadata is missing or malformed');
  }
}

/** A namespaced object takes the namespace of the request path (another one in the body is a 400); others have none. */
function placeInNamespace(t: ResourceType, obj: KubeObject, ns: string): void {
  if (!t.namespaced) {
    delete obj.metadata.namespace;
    return;
  }
  if (obj.metadata.namespace && obj.metadata.namespace !== ns) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  obj.metadata.namespace = ns;
}

/** The fields the server sets on create: type meta, uid, creationTimestamp, generation (client values are dropped). */
function initServerFields(t: ResourceType, obj: KubeObject): void {
  obj.apiVersion = apiVersionOf(t);
  obj.kind = t.kind;
  if (t.statusSubresource && t.isCustom) delete obj.status; // status is set only through /status
  for (const k of ['uid', 'resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const)
    delete obj.metadata[k];
  Object.assign(obj.metadata, { uid: randomUUID(), creationTimestamp: nowIso() });
  // Built-in kinds without a spec/status split (Secret, ConfigMap...) have no generation on a real server.
  if (tracksGeneration(t)) obj.metadata.generation = 1;
  else delete obj.metadata.generation;
}

/** An update's resourceVersion, when it has one, must be the stored one (409). */
function checkResourceVersion(
  t: ResourceType,
  name: string,
  rv: string | undefined,
  existing: KubeObject,
  required: boolean,
): void {
  if (rv === undefined || rv === '') {
    // Custom resources do not allow unconditional update (AllowUnconditionalUpdate=false), built-ins do.
    if (required && t.isCustom) {
      throw invalid(t, name, [
        {
          field: 'metadata.resourceVersion',
          message: 'Invalid value: 0x0: must be specified for an update',
          reason: 'FieldValueInvalid',
        },
      ]);
    }
  } else if (rv !== existing.metadata.resourceVersion) throw conflict(t, name);
}

/** The Success Status of a completed delete, for the kinds whose delete does not return the object. */
function deletedStatus(t: ResourceType, name: string, existing: KubeObject): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name, ...(t.group ? { group: t.group } : {}), kind: t.plural, uid: existing.metadata.uid },
  };
}

export class Operations {
  readonly store: ObjectStore;
  readonly registry: Registry;
  /** Hook for PodDisruptionBudget-like checks: return an error to refuse an eviction (the real server answers 429). */
  evictionGuard: ((pod: KubeObject) => ApiError | undefined) | undefined;

  private readonly kindRuleContext: KindRuleContext;

  constructor(store: ObjectStore, registry: Registry) {
    this.store = store;
    this.registry = registry;
    this.kindRuleContext = {
      serviceAccount: (namespace, name) => {
        const t = registry.find('', 'v1', 'serviceaccounts');
        return t ? store.get(t.storageKey, namespace, name || 'default') : undefined;
      },
    };
  }

  get(t: ResourceType, ns: string, name: string): KubeObject {
    const obj = this.store.get(t.storageKey, t.namespaced ? ns : '', name);
    if (!obj) throw notFound(t, name);
    return present(t, obj);
  }

  private checkNamespace(t: ResourceType, ns: string, name: string | undefined): void {
    if (!t.namespaced) return;
    const nsObj = this.store.get(namespaceType(this.registry).storageKey, '', ns);
    if (!nsObj) throw namespaceNotFound(ns);
    if (name !== undefined && nsObj.metadata.deletionTimestamp) {
      throw forbidden(
        `${t.plural} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
        {
          name,
          kind: t.plural,
        },
      );
    }
  }

  /** `existing` is the stored object on update (undefined on create). */
  private admit(t: ResourceType, obj: KubeObject, existing?: KubeObject): void {
    const isCreate = existing === undefined;
    const causes = [
      ...(isCreate ? validateName(t, obj.metadata.name) : metadataUpdateRules(existing, obj)),
      ...metadataLabelAndAnnotationRules(obj),
      ...applyKindRules(t, obj, isCreate, this.kindRuleContext),
      ...(t.admit?.(obj) ?? []),
    ];
    if (causes.length > 0) throw invalid(t, obj.metadata.name ?? '', causes);
  }

  private checkTypeMeta(t: ResourceType, body: KubeObject): void {
    if (body.kind !== undefined && body.kind !== t.kind) {
      throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${t.kind})`);
    }
    const [group] = (body.apiVersion ?? '').includes('/') ? (body.apiVersion ?? '').split('/') : [''];
    if (body.apiVersion !== undefined && group !== t.group) {
      throw badRequest(
        `the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersionOf(t)})`,
      );
    }
  }

  create(t: ResourceType, ns: string, input: KubeObject, opts: WriteOptions = {}): KubeObject {
    requireMetadata(input);
    this.checkTypeMeta(t, input);
    const obj: KubeObject = structuredClone(input);
    placeInNamespace(t, obj, ns);
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = generateName(obj.metadata.generateName);
    this.checkNamespace(t, ns, obj.metadata.name ?? '');
    const requested: KubeObject = structuredClone(obj); // what the request set: the creator owns those fields
    initServerFields(t, obj);
    this.admit(t, obj);
    this.recordManagedFields(t, undefined, requested, obj, opts);
    if (this.store.get(t.storageKey, t.namespaced ? ns : '', obj.metadata.name!))
      throw alreadyExists(t, obj.metadata.name!);
    if (opts.dryRun) return obj;
    return present(t, this.store.commit(t.storageKey, obj, 'ADDED'));
  }

  /** PUT semantics; `requireResourceVersion` is false for patches (they are unconditional unless they carry one). */
  update(
    t: ResourceType,
    ns: string,
    name: string,
    input: KubeObject,
    opts: WriteOptions = {},
    requireResourceVersion = true,
  ): KubeObject {
    requireMetadata(input);
    this.checkTypeMeta(t, input);
    const existing = this.store.get(t.storageKey, t.namespaced ? ns : '', name);
    if (!existing) throw notFound(t, name);
    if (input.metadata.name !== undefined && input.metadata.name !== name) {
      throw badRequest(`the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`);
    }
    checkResourceVersion(t, name, input.metadata.resourceVersion, existing, requireResourceVersion);
    const next = this.buildUpdate(t, existing, structuredClone(input), opts.subresource);
    this.admit(t, next, existing);
    return this.commitUpdate(t, existing, next, opts);
  }

  private buildUpdate(
    t: ResourceType,
    existing: KubeObject,
    obj: KubeObject,
    subresource: string | undefined,
  ): KubeObject {
    let next: KubeObject;
    if (subresource === 'status') {
      next = { ...structuredClone(existing), status: obj.status };
      if (obj.status === undefined) delete next.status;
    } else {
      next = obj;
      if (t.statusSubresource) {
        if (existing.status === undefined) delete next.status;
        else next.status = structuredClone(existing.status);
      }
      const m = existing.metadata;
      Object.assign(next.metadata, { name: m.name, uid: m.uid, creationTimestamp: m.creationTimestamp });
      if (t.namespaced) next.metadata.namespace = m.namespace;
      else delete next.metadata.namespace;
      for (const k of ['deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
        if (m[k] === undefined) delete next.metadata[k];
        else (next.metadata as Record<string, unknown>)[k] = m[k];
      }
      if (next.metadata.managedFields === undefined && m.managedFields) next.metadata.managedFields = m.managedFields;
    }
    next.apiVersion = existing.apiVersion ?? apiVersionOf(t);
    next.kind = t.kind;
    if (tracksGeneration(t)) next.metadata.generation = existing.metadata.generation ?? 1;
    else delete next.metadata.generation;
    return next;
  }

  private commitUpdate(t: ResourceType, existing: KubeObject, next: KubeObject, opts: WriteOptions): KubeObject {
    if (tracksGeneration(t) && specPart(next) !== specPart(existing))
      next.metadata.generation = (existing.metadata.generation ?? 0) + 1;
    next.metadata.resourceVersion = existing.metadata.resourceVersion;
    if (opts.manager !== undefined && !opts.apply) {
      // The field manager, not the client, writes managedFields.
      if (existing.metadata.managedFields) next.metadata.managedFields = existing.metadata.managedFields;
      else delete next.metadata.managedFields;
    }
    // A write that changes nothing is not persisted: no new resourceVersion, no watch event (like the real server).
    if (sameJson(withoutManagedFieldTimes(next), withoutManagedFieldTimes(existing))) return present(t, existing);
    this.recordManagedFields(t, existing, next, next, opts);
    if (opts.dryRun) return present(t, next);
    if (
      next.metadata.deletionTimestamp &&
      (next.metadata.finalizers ?? []).length === 0 &&
      !this.awaitsKubelet(t, next)
    ) {
      return present(t, this.store.remove(t.storageKey, next));
    }
    return present(t, this.store.commit(t.storageKey, next, 'MODIFIED'));
  }

  /** Sets `target`'s managedFields for a client write of `written` over `existing` (undefined on create). */
  private recordManagedFields(
    t: ResourceType,
    existing: KubeObject | undefined,
    written: KubeObject,
    target: KubeObject,
    opts: WriteOptions,
  ): void {
    if (opts.manager === undefined) return;
    const operation = opts.apply ? 'Apply' : 'Update';
    const start = (opts.apply ? target : existing)?.metadata.managedFields as ManagedFieldsEntry[] | undefined;
    const entries = managedFieldsAfter(t, existing, written, start ?? [], {
      manager: opts.manager,
      operation,
      apiVersion: apiVersionOf(t),
      subresource: opts.subresource,
    });
    if (entries.length > 0) target.metadata.managedFields = entries;
    else delete target.metadata.managedFields;
  }

  /** A pod bound to a node is removed by its kubelet (delete with grace 0), not by finalizer removal. */
  private awaitsKubelet(t: ResourceType, obj: KubeObject): boolean {
    return (
      t.kind === 'Pod' &&
      !t.isCustom &&
      Boolean((obj.spec as { nodeName?: string } | undefined)?.nodeName) &&
      (obj.metadata.deletionGracePeriodSeconds ?? 0) > 0
    );
  }

  /** Returns the response body: the object while deletion is pending, else the deleted object or a Success Status. */
  delete(
    t: ResourceType,
    ns: string,
    name: string,
    opts: DeleteOptions = {},
  ): { body: KubeObject | Record<string, unknown>; pending: boolean } {
    const existing = this.store.get(t.storageKey, t.namespaced ? ns : '', name);
    if (!existing) throw notFound(t, name);
    checkPreconditions(t, name, existing, opts.preconditions);
    const pending = this.pendingDeletion(t, existing, opts);
    if (pending) return { body: present(t, this.storePending(t, existing, pending, opts)), pending: true };
    if (opts.dryRun) return { body: present(t, existing), pending: false };
    const gone = this.store.remove(t.storageKey, existing);
    return { body: returnsDeletedObject(t) ? present(t, gone) : deletedStatus(t, name, existing), pending: false };
  }

  /** The object of a pending deletion as stored (unchanged by a repeated delete that shortens nothing, or a dry run). */
  private storePending(t: ResourceType, existing: KubeObject, pending: KubeObject, opts: DeleteOptions): KubeObject {
    if (opts.dryRun) return pending;
    return pending === existing ? existing : this.store.commit(t.storageKey, pending, 'MODIFIED');
  }

  /** The object to store when deletion must wait (graceful pod, finalizers, namespace), or undefined to remove now. */
  private pendingDeletion(t: ResourceType, existing: KubeObject, opts: DeleteOptions): KubeObject | undefined {
    const grace = deletionGrace(t, existing, opts.gracePeriodSeconds);
    if (this.removableNow(t, existing, grace)) return undefined;
    if (existing.metadata.deletionTimestamp) return repeatedDeletion(existing, grace);
    return markedForDeletion(t, existing, grace);
  }

  /** No grace period and no finalizers, and for a namespace nothing left in it. */
  private removableNow(t: ResourceType, existing: KubeObject, grace: number): boolean {
    if (grace !== 0 || (existing.metadata.finalizers ?? []).length !== 0) return false;
    return !isBuiltinKind(t, 'Namespace') || this.store.countInNamespace(existing.metadata.name!) === 0;
  }

  /**
   * policy/v1 Eviction (pkg/registry/core/pod/storage/eviction.go): after the (pluggable) disruption-budget check,
   * addConditionAndDeletePod — unless it is a dry run, the pod first gets the DisruptionTarget condition (status True,
   * reason EvictionByEvictionAPI, message "Eviction API: evicting") through its status, checked against the
   * DeleteOptions' preconditions, whose resourceVersion then moves to the updated pod's; then the graceful delete.
   */
  evict(podType: ResourceType, ns: string, name: string, body: KubeObject): Record<string, unknown> {
    const pod = this.get(podType, ns, name);
    if (body?.metadata?.name !== undefined && body.metadata.name !== name) {
      throw badRequest(`name in URL does not match name in Eviction object`);
    }
    const refused = this.evictionGuard?.(pod);
    if (refused) throw refused;
    let deleteOptions = deleteOptionsOf((body as { deleteOptions?: unknown }).deleteOptions);
    if (!deleteOptions.dryRun) {
      checkPreconditions(podType, name, pod, deleteOptions.preconditions);
      const next = withDisruptionTarget(pod);
      const updated = sameJson(next, pod) ? pod : this.store.commit(podType.storageKey, next, 'MODIFIED');
      if (deleteOptions.preconditions?.resourceVersion)
        deleteOptions = {
          ...deleteOptions,
          preconditions: { ...deleteOptions.preconditions, resourceVersion: updated.metadata.resourceVersion },
        };
    }
    this.delete(podType, ns, name, deleteOptions);
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
  }

  invalidPatch(message: string): ApiError {
    return unprocessable(message);
  }
}
