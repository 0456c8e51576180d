/**
 * The only door to the API server: typed clients from @kubernetes/client-node built from a KubeConfig, so every
 * controller runs unchanged against any conformant API server.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  Watch,
  setHeaderOptions,
} from '@kubernetes/client-node';

export interface KubeApis {
  kc: KubeConfig;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  watch: Watch;
}

export function makeApis(kc: KubeConfig): KubeApis {
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    watch: new Watch(kc),
  };
}

/** Load a KubeConfig from YAML text (what startKubeApiServer().kubeconfig() returns) or a file path. */
export function loadKubeConfig(source: { yaml: string } | { file: string }): KubeConfig {
  const kc = new KubeConfig();
  if ('yaml' in source) kc.loadFromString(source.yaml);
  else kc.loadFromFile(source.file);
  return kc;
}

/** client-node 2.x sends patches as JSON patch unless told otherwise; every patch here is an RFC 7386 merge patch. */
export const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** HTTP status of a failed API call (ApiException.code, or Watch's statusCode), if any. */
export function httpStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; statusCode?: unknown };
  if (typeof e.code === 'number') return e.code;
  if (typeof e.statusCode === 'number') return e.statusCode;
  return undefined;
}

export const isNotFound = (err: unknown): boolean => httpStatus(err) === 404;
export const isConflict = (err: unknown): boolean => httpStatus(err) === 409;

/** GET that maps 404 to undefined. */
export async function getOrUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** CREATE that treats 409 AlreadyExists as success: a stale cache raced another writer, the object is there. */
export async function createIfAbsent(create: () => Promise<unknown>): Promise<'created' | 'exists'> {
  try {
    await create();
    return 'created';
  } catch (err) {
    if (isConflict(err)) return 'exists';
    throw err;
  }
}

/** The controllers' work-queue keys are the ListWatch cache keys. */
export { metaKey as keyOf } from '../../../../shared/adapters/kube/list-watch-source.ts';

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
