/** Lookup of served resource types by group/version/plural and by storage key. */
import type { ResourceType } from './types.ts';

export class Registry {
  private readonly byPath = new Map<string, ResourceType>();
  private readonly byStorage = new Map<string, ResourceType[]>();
  readonly all: ResourceType[] = [];

  add(t: ResourceType): void {
    const key = `${t.group}/${t.version}/${t.plural}`;
    if (this.byPath.has(key)) return; // first definition wins (built-ins before CRDs)
    this.byPath.set(key, t);
    this.all.push(t);
    const list = this.byStorage.get(t.storageKey) ?? [];
    list.push(t);
    this.byStorage.set(t.storageKey, list);
  }

  find(group: string, version: string, plural: string): ResourceType | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  /** The type that owns a storage key (any served version; objects keep the apiVersion they were written with). */
  forStorage(storageKey: string): ResourceType | undefined {
    return this.byStorage.get(storageKey)?.[0];
  }

  groupVersions(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const t of this.all) {
      const versions = out.get(t.group) ?? [];
      if (!versions.includes(t.version)) versions.push(t.version);
      out.set(t.group, versions);
    }
    return out;
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.all.filter((t) => t.group === group && t.version === version);
  }

  /** Resolves an ownerReference's apiVersion+kind to a type (for garbage collection). */
  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    return this.all.find((t) => t.group === group && t.version === version && t.kind === kind);
  }
}
