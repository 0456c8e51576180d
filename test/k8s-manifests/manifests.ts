/** Loading infra/k8s: every YAML file parsed, and each kustomization rendered by the real `kubectl kustomize`. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import YAML from 'yaml';

export const ROOT = resolve(import.meta.dirname, '../..');
export const K8S_DIR = join(ROOT, 'infra/k8s');

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
  nonResourceURLs?: string[];
}

/** A parsed manifest: loose on purpose, the tests assert the fields they rely on. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  rules?: PolicyRule[];
  roleRef?: { apiGroup: string; kind: string; name: string };
  subjects?: Array<{ kind: string; name: string; namespace?: string; apiGroup?: string }>;
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- Deployment/PDB specs are checked field by field
}

export function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

export const rel = (path: string): string => relative(ROOT, path);

/** Every document of every .yaml file under infra/k8s (kustomization files included). */
export function yamlFiles(): Array<{ file: string; docs: unknown[] }> {
  return walk(K8S_DIR)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .map((file) => {
      const docs = YAML.parseAllDocuments(readFileSync(file, 'utf8'));
      for (const d of docs)
        if (d.errors.length > 0) throw new Error(`${rel(file)}: ${d.errors.map((e) => e.message).join('; ')}`);
      return { file, docs: docs.map((d) => d.toJS() as unknown) };
    });
}

export function kustomizationDirs(): string[] {
  return walk(K8S_DIR)
    .filter((f) => f.endsWith('/kustomization.yaml'))
    .map((f) => f.slice(0, -'/kustomization.yaml'.length));
}

export function requireKubectl(): void {
  const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    throw new Error('kubectl is required for these tests but was not found on PATH');
}

/** `kubectl kustomize <dir>` (offline: kustomize is built into kubectl). */
export function render(dir: string): Manifest[] {
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 30_000 });
  return YAML.parseAllDocuments(out).map((d) => d.toJS() as Manifest);
}

export const find = (objs: Manifest[], kind: string, name: string): Manifest => {
  const found = objs.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined)
    throw new Error(`no ${kind} ${name} in [${objs.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}]`);
  return found;
};

/** A permission: "verb group/resource[/subresource]" ('' group = core), optionally "@name". */
export function expandRules(rules: PolicyRule[]): Set<string> {
  const out = new Set<string>();
  for (const r of rules) {
    for (const g of r.apiGroups ?? [])
      for (const res of r.resources ?? [])
        for (const v of r.verbs)
          for (const n of r.resourceNames ?? [undefined]) out.add(`${v} ${g}/${res}${n === undefined ? '' : `@${n}`}`);
  }
  return out;
}
