/** Legacy (non-aggregated) discovery documents: /api, /api/v1, /apis, /apis/<group>/<version>, /version. */
import type { Registry } from './registry.ts';
import type { ResourceType } from './types.ts';

const SERVER_ADDRESS = [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }];

export function versionInfo(): Record<string, string> {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0-local',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function apiVersions(): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: SERVER_ADDRESS };
}

/** Version order of the real server: GA before beta before alpha, higher numbers first. */
function versionPriority(v: string): number {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return 0;
  const stability = m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2;
  return stability * 1_000_000 + Number(m[1]) * 1000 + Number(m[3] ?? 0);
}

function sortVersions(versions: string[]): string[] {
  return [...versions].sort((a, b) => versionPriority(b) - versionPriority(a));
}

export function apiGroupList(registry: Registry): unknown {
  const groups = [...registry.groupVersions()]
    .filter(([g]) => g !== '')
    .map(([name, vs]) => {
      const versions = sortVersions(vs).map((version) => ({ groupVersion: `${name}/${version}`, version }));
      return { name, versions, preferredVersion: versions[0] };
    });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(registry: Registry, group: string): unknown {
  const vs = registry.groupVersions().get(group);
  if (!vs) return undefined;
  const versions = sortVersions(vs).map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions, preferredVersion: versions[0] };
}

function resourceEntries(t: ResourceType): unknown[] {
  const main = {
    name: t.plural,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: t.verbs,
    ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
    ...(t.categories.length ? { categories: t.categories } : {}),
  };
  const subs = t.subresources.map((sub) => {
    if (sub === 'eviction') {
      return {
        name: `${t.plural}/eviction`,
        singularName: '',
        namespaced: t.namespaced,
        group: 'policy',
        version: 'v1',
        kind: 'Eviction',
        verbs: ['create'],
      };
    }
    if (sub === 'token') {
      return {
        name: `${t.plural}/token`,
        singularName: '',
        namespaced: t.namespaced,
        group: 'authentication.k8s.io',
        version: 'v1',
        kind: 'TokenRequest',
        verbs: ['create'],
      };
    }
    if (sub === 'scale') {
      return {
        name: `${t.plural}/scale`,
        singularName: '',
        namespaced: t.namespaced,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      };
    }
    return {
      name: `${t.plural}/${sub}`,
      singularName: '',
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: ['get', 'patch', 'update'],
    };
  });
  return [main, ...subs];
}

export function apiResourceList(registry: Registry, group: string, version: string): unknown {
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: types.flatMap(resourceEntries),
  };
}
