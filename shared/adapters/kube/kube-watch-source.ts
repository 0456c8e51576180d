/**
 * ListWatchSource adapters: a WatchStream for the stream — client-node's `Watch` (the local controllers) or
 * kube-rest-watch.ts's RestWatch (the forwarder: no undici) — and a LIST given by the caller (`watchSource`) or the
 * small REST layer's paged LIST (kube-rest.ts: not client-node's generated API, which would pull every model into the
 * forwarder's bundle) of a custom resource (`kubeWatchSource`) or of pods (`podWatchSource`).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { CoreV1Rest, CustomObjectsRest, KubeRestClient } from './kube-rest.ts';
import { RestWatch } from './kube-rest-watch.ts';
import type { KubeObject, ListResult, ListWatchSource, RawWatchEvent, WatchHandle } from './list-watch-source.ts';

interface CustomResourceRef {
  group: string;
  version: string;
  plural: string;
  /** undefined = all namespaces. */
  namespace?: string | undefined;
  /** Only the objects with these labels (`key=value,...`), on the LIST and the WATCH alike. */
  labelSelector?: string | undefined;
}

/** Page size: keeps one LIST response bounded on a big cluster; all pages are one snapshot (same resourceVersion). */
const PAGE_LIMIT = 500;

/** One page of a LIST response. */
export interface ListPage<T> {
  items?: T[];
  metadata?: { resourceVersion?: string | undefined; continue?: string | undefined } | undefined;
}

const WATCH_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

/** What opens one watch stream: client-node's `Watch.watch` signature, which RestWatch implements too. */
export interface WatchStream {
  watch(
    path: string,
    params: Record<string, string | number | boolean>,
    callback: (type: string, object: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<{ abort(): void }>;
}

interface WatchSourceSpec<T> {
  watch: WatchStream;
  /** The collection's path, e.g. /api/v1/pods or /apis/kubedb.com/v1/redises. */
  path: string;
  /** One page of the LIST (`cont` = the previous page's `continue` token). */
  listPage: (cont: string | undefined) => Promise<ListPage<T>>;
  labelSelector?: string | undefined;
  /** Asks the server to end each watch after this long (it is then resumed from the last resourceVersion). */
  timeoutSeconds?: number;
}

/** A source over a WatchStream (RestWatch or client-node's Watch) and a (paged) LIST. */
export function watchSource<T extends KubeObject>(spec: WatchSourceSpec<T>): ListWatchSource<T> {
  return {
    async list(transform): Promise<ListResult<T>> {
      const items: T[] = [];
      let resourceVersion: string | undefined;
      let cont: string | undefined;
      do {
        // Only the slim copies are kept: a page's whole objects are garbage as soon as the next page is asked for.
        const page = await spec.listPage(cont);
        for (const item of page.items ?? []) items.push(transform(item));
        resourceVersion ??= page.metadata?.resourceVersion;
        cont = page.metadata?.continue === '' ? undefined : page.metadata?.continue;
      } while (cont !== undefined);
      if (resourceVersion === undefined) throw new Error(`LIST ${spec.path} returned no metadata.resourceVersion`);
      return { items, resourceVersion };
    },

    async watch(resourceVersion, onEvent, onEnd, options): Promise<WatchHandle> {
      const params: Record<string, string | number | boolean> = { resourceVersion, allowWatchBookmarks: true };
      if (spec.labelSelector !== undefined) params['labelSelector'] = spec.labelSelector;
      if (spec.timeoutSeconds !== undefined) params['timeoutSeconds'] = spec.timeoutSeconds;
      if (options?.sendInitialEvents === true) {
        params['sendInitialEvents'] = true;
        params['resourceVersionMatch'] = 'NotOlderThan';
      }
      const controller = await spec.watch.watch(
        spec.path,
        params,
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

/** A custom resource's source: CustomObjectsApi's paged LIST, all namespaces or one. */
export function kubeWatchSource<T extends KubeObject>(kc: KubeConfig, ref: CustomResourceRef): ListWatchSource<T> {
  const api = new CustomObjectsRest(new KubeRestClient(kc));
  const path =
    ref.namespace === undefined
      ? `/apis/${ref.group}/${ref.version}/${ref.plural}`
      : `/apis/${ref.group}/${ref.version}/namespaces/${encodeURIComponent(ref.namespace)}/${ref.plural}`;
  const listPage = async (cont: string | undefined): Promise<ListPage<T>> => {
    const common = {
      group: ref.group,
      version: ref.version,
      plural: ref.plural,
      limit: PAGE_LIMIT,
      _continue: cont,
      labelSelector: ref.labelSelector,
    };
    const page: unknown =
      ref.namespace === undefined
        ? await api.listClusterCustomObject(common)
        : await api.listNamespacedCustomObject({ ...common, namespace: ref.namespace });
    return page as ListPage<T>;
  };
  return watchSource<T>({ watch: new RestWatch(kc), path, listPage, labelSelector: ref.labelSelector });
}

/** Pods (core/v1) with a label selector, all namespaces or one: CoreV1Api's paged LIST. */
export function podWatchSource<T extends KubeObject>(
  kc: KubeConfig,
  ref: { namespace?: string | undefined; labelSelector: string },
): ListWatchSource<T> {
  const api = new CoreV1Rest(new KubeRestClient(kc));
  const path =
    ref.namespace === undefined ? '/api/v1/pods' : `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/pods`;
  const listPage = async (cont: string | undefined): Promise<ListPage<T>> => {
    const common = { labelSelector: ref.labelSelector, limit: PAGE_LIMIT, _continue: cont };
    const page: unknown =
      ref.namespace === undefined
        ? await api.listPodForAllNamespaces(common)
        : await api.listNamespacedPod({ ...common, namespace: ref.namespace });
    return page as ListPage<T>;
  };
  return watchSource<T>({ watch: new RestWatch(kc), path, listPage, labelSelector: ref.labelSelector });
}
