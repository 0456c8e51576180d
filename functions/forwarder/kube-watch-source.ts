/**
 * ListWatchSource adapter for a custom resource over `@kubernetes/client-node`: CustomObjectsApi for the (paged)
 * LIST and the client's `Watch` for the stream.
 */
import { CustomObjectsApi, Watch, type KubeConfig } from '@kubernetes/client-node';
import type { KubeObject, ListResult, ListWatchSource, RawWatchEvent, WatchHandle } from './list-watch-source.ts';

export interface CustomResourceRef {
  group: string;
  version: string;
  plural: string;
  /** undefined = all namespaces. */
  namespace?: string;
}

/** Page size: keeps one LIST response bounded on a big cluster; all pages are one snapshot (same resourceVersion). */
const PAGE_LIMIT = 500;

interface ListPage<T> {
  items?: T[];
  metadata?: { resourceVersion?: string; continue?: string };
}

const WATCH_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

export function kubeWatchSource<T extends KubeObject>(kc: KubeConfig, ref: CustomResourceRef): ListWatchSource<T> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const watch = new Watch(kc);
  const path =
    ref.namespace === undefined
      ? `/apis/${ref.group}/${ref.version}/${ref.plural}`
      : `/apis/${ref.group}/${ref.version}/namespaces/${encodeURIComponent(ref.namespace)}/${ref.plural}`;

  const listPage = async (cont: string | undefined): Promise<ListPage<T>> => {
    const common = { group: ref.group, version: ref.version, plural: ref.plural, limit: PAGE_LIMIT, _continue: cont };
    const page: unknown =
      ref.namespace === undefined
        ? await api.listClusterCustomObject(common)
        : await api.listNamespacedCustomObject({ ...common, namespace: ref.namespace });
    return page as ListPage<T>;
  };

  return {
    async list(): Promise<ListResult<T>> {
      const items: T[] = [];
      let resourceVersion: string | undefined;
      let cont: string | undefined;
      do {
        const page = await listPage(cont);
        items.push(...(page.items ?? []));
        resourceVersion ??= page.metadata?.resourceVersion;
        cont = page.metadata?.continue === '' ? undefined : page.metadata?.continue;
      } while (cont !== undefined);
      if (resourceVersion === undefined) throw new Error(`LIST ${path} returned no metadata.resourceVersion`);
      return { items, resourceVersion };
    },

    async watch(resourceVersion, onEvent, onEnd): Promise<WatchHandle> {
      const controller = await watch.watch(
        path,
        { resourceVersion, allowWatchBookmarks: true },
        (type: string, object: unknown) => {
          // The client swallows exceptions thrown here; the ListWatch never throws from onEvent.
          if (WATCH_TYPES.has(type)) onEvent({ type, object } as RawWatchEvent<T>);
          else onEvent({ type: 'ERROR', object: { message: `unknown watch event type ${type}` } });
        },
        (err: unknown) => onEnd(err ?? undefined),
      );
      return { abort: () => controller.abort() };
    },
  };
}
