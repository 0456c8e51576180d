/** Loads CustomResourceDefinition manifests (YAML, several per file allowed) into served resource types. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import YAML from 'yaml';
import { compileAdmission, type JsonSchema } from './schema.ts';
import type { PrinterColumn, ResourceType } from './types.ts';

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: JsonSchema };
  subresources?: { status?: object; scale?: object };
  additionalPrinterColumns?: PrinterColumn[];
}

interface Crd {
  kind?: string;
  spec: {
    group: string;
    scope: 'Namespaced' | 'Cluster';
    names: {
      kind: string;
      listKind?: string;
      plural: string;
      singular?: string;
      shortNames?: string[];
      categories?: string[];
    };
    versions: CrdVersion[];
  };
}

function typesFromCrd(crd: Crd): ResourceType[] {
  const { group, names, scope, versions } = crd.spec;
  return versions
    .filter((v) => v.served !== false)
    .map((v) => {
      const subresources: string[] = [];
      if (v.subresources?.status) subresources.push('status');
      const schema = v.schema?.openAPIV3Schema;
      return {
        group,
        version: v.name,
        kind: names.kind,
        listKind: names.listKind ?? `${names.kind}List`,
        plural: names.plural,
        singular: names.singular ?? names.kind.toLowerCase(),
        namespaced: scope === 'Namespaced',
        shortNames: names.shortNames ?? [],
        categories: names.categories ?? [],
        verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
        subresources,
        storageKey: `${group}/${names.plural}`,
        statusSubresource: Boolean(v.subresources?.status),
        isCustom: true,
        printerColumns: v.additionalPrinterColumns ?? [],
        ...(schema ? { admit: compileAdmission(schema), openAPIV3Schema: schema } : {}),
      } satisfies ResourceType;
    });
}

export async function loadCrdDirs(dirs: string[]): Promise<ResourceType[]> {
  const out: ResourceType[] = [];
  for (const dir of dirs) {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
    for (const file of files) {
      const text = await readFile(join(dir, file), 'utf8');
      for (const doc of YAML.parseAllDocuments(text)) {
        const crd = doc.toJS() as Crd | null;
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        out.push(...typesFromCrd(crd));
      }
    }
  }
  return out;
}
