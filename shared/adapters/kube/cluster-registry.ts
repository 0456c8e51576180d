/**
 * The registry of clusters a fleet rollout may reach: their ids and labels (what a FleetRollout's clusterSelector
 * matches). It sits beside ClusterAccess (which turns an id into credentials) and, like it, never lives in a
 * function's environment (4 KB): adding a cluster is adding a file or a secret, no redeploy.
 *
 * Local (this file): the kubeconfig directory ClusterAccess reads; each `<id>.kubeconfig` is a cluster, its labels in
 * `<id>.labels.json` (a JSON object of strings; absent = no labels). On AWS: cluster-registry-secrets-manager.ts.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MisconfigurationError } from '../../errors.ts';

export interface RegisteredCluster {
  id: string;
  labels: Record<string, string>;
}

export interface ClusterRegistry {
  /** Every registered cluster, sorted by id. */
  list(): Promise<RegisteredCluster[]>;
}

const KUBECONFIG_SUFFIX = '.kubeconfig';

export class KubeconfigDirRegistry implements ClusterRegistry {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async list(): Promise<RegisteredCluster[]> {
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const ids = names
      .filter((n) => n.endsWith(KUBECONFIG_SUFFIX))
      .map((n) => n.slice(0, -KUBECONFIG_SUFFIX.length))
      .sort();
    return Promise.all(ids.map(async (id) => ({ id, labels: await this.#labels(id) })));
  }

  async #labels(id: string): Promise<Record<string, string>> {
    const path = join(this.#dir, `${id}.labels.json`);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    return parseLabels(text, path);
  }
}

/** A cluster's labels must be a flat object of strings: a rollout selecting by labels must never half-read one. */
function parseLabels(text: string, where: string): Record<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new MisconfigurationError(`${where}: labels are not JSON: ${(err as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new MisconfigurationError(`${where}: labels must be a JSON object of strings`);
  for (const [k, v] of Object.entries(json)) {
    if (typeof v !== 'string') throw new MisconfigurationError(`${where}: label "${k}" must be a string`);
  }
  return json as Record<string, string>;
}
