/**
 * The few Kubernetes REST calls the functions make, over node:https, with the credentials of a KubeConfig.
 *
 * Why not client-node's generated API (`makeApiClient(CoreV1Api)`): its ObjectSerializer references every model of
 * every API group, and its fetch transport pulls undici in: ~1.7 MB of a function bundle for eleven calls
 * (docs/benchmarks.md "Bundles"). KubeConfig stays in charge of what it is good at — kubeconfig parsing, exec / OIDC /
 * custom authenticators (the EKS token one), client certificates, CA, skipTLSVerify, tls-server-name — through its
 * public `applyToHTTPSOptions`, called on every request so that a rotating token is always current.
 *
 * The methods mirror client-node's ObjectParamAPI (same names, same parameter objects, same paths) so that call sites
 * read as before and test/k8s-manifests/rbac-coverage.test.ts still maps each one to its RBAC verb. Failures are
 * client-node's own ApiException (status code + parsed metav1.Status body), so api-errors.ts and every
 * `instanceof ApiException` keep working.
 *
 * Connections are kept alive (one agent per KubeConfig, i.e. per cluster and credential set): a warm Lambda reuses its
 * TLS session across invocations instead of paying a handshake per call.
 */
import type { CoreV1Event, V1Eviction, V1Pod, V1PodList, V1Secret } from '@kubernetes/client-node';
import type { KubeRestClient, QueryParams } from './kube-rest-client.ts';

export { KubeRestClient } from './kube-rest-client.ts';

/** RFC 7386 merge patch (what every patch of the functions is). */
export const MERGE_PATCH = 'application/merge-patch+json';

export interface PatchOptions {
  /** The patch's media type: merge patch, JSON patch, strategic merge or apply patch. */
  contentType: string;
}

const seg = (s: string): string => encodeURIComponent(s);

interface CustomRef {
  group: string;
  version: string;
  plural: string;
}
const customPath = (r: CustomRef & { namespace?: string; name?: string }, sub = ''): string =>
  `/apis/${seg(r.group)}/${seg(r.version)}` +
  (r.namespace !== undefined ? `/namespaces/${seg(r.namespace)}` : '') +
  `/${seg(r.plural)}` +
  (r.name !== undefined ? `/${seg(r.name)}` : '') +
  sub;

/** The subset of client-node's CustomObjectsApi the functions call (same parameter objects). */
export class CustomObjectsRest {
  readonly #http: KubeRestClient;
  constructor(client: KubeRestClient) {
    this.#http = client;
  }

  getNamespacedCustomObject(r: CustomRef & { namespace: string; name: string }): Promise<unknown> {
    return this.#http.request({ method: 'GET', path: customPath(r) });
  }

  getClusterCustomObject(r: CustomRef & { name: string }): Promise<unknown> {
    return this.#http.request({ method: 'GET', path: customPath(r) });
  }

  listNamespacedCustomObject(r: CustomRef & { namespace: string } & QueryParams): Promise<unknown> {
    return this.#http.request({ method: 'GET', path: customPath(r), query: r });
  }

  /** Every namespace at once (the fleet rollout's view of a member cluster). */
  listClusterCustomObject(r: CustomRef & QueryParams): Promise<unknown> {
    return this.#http.request({ method: 'GET', path: customPath(r), query: r });
  }

  createNamespacedCustomObject(r: CustomRef & { namespace: string; body: object } & QueryParams): Promise<unknown> {
    return this.#http.request({ method: 'POST', path: customPath(r), query: r, body: r.body });
  }

  patchNamespacedCustomObject(
    r: CustomRef & { namespace: string; name: string; body: object } & QueryParams,
    options: PatchOptions,
  ): Promise<unknown> {
    return this.#http.request({ method: 'PATCH', path: customPath(r), query: r, body: r.body, ...options });
  }

  patchNamespacedCustomObjectStatus(
    r: CustomRef & { namespace: string; name: string; body: object } & QueryParams,
    options: PatchOptions,
  ): Promise<unknown> {
    return this.#http.request({ method: 'PATCH', path: customPath(r, '/status'), query: r, body: r.body, ...options });
  }
}

const corePath = (namespace: string, resource: string, name?: string, sub = ''): string =>
  `/api/v1/namespaces/${seg(namespace)}/${resource}` + (name !== undefined ? `/${seg(name)}` : '') + sub;

/** The subset of client-node's CoreV1Api the functions call (same parameter objects, same result types). */
export class CoreV1Rest {
  readonly #http: KubeRestClient;
  constructor(client: KubeRestClient) {
    this.#http = client;
  }

  readNamespacedSecret(r: { namespace: string; name: string }): Promise<V1Secret> {
    return this.#http.request({ method: 'GET', path: corePath(r.namespace, 'secrets', r.name) });
  }

  createNamespacedSecret(r: { namespace: string; body: V1Secret } & QueryParams): Promise<V1Secret> {
    return this.#http.request({ method: 'POST', path: corePath(r.namespace, 'secrets'), query: r, body: r.body });
  }

  patchNamespacedSecret(
    r: { namespace: string; name: string; body: object } & QueryParams,
    options: PatchOptions,
  ): Promise<V1Secret> {
    const path = corePath(r.namespace, 'secrets', r.name);
    return this.#http.request({ method: 'PATCH', path, query: r, body: r.body, ...options });
  }

  readNamespacedPod(r: { namespace: string; name: string }): Promise<V1Pod> {
    return this.#http.request({ method: 'GET', path: corePath(r.namespace, 'pods', r.name) });
  }

  listNamespacedPod(r: { namespace: string } & QueryParams): Promise<V1PodList> {
    return this.#http.request({ method: 'GET', path: corePath(r.namespace, 'pods'), query: r });
  }

  listPodForAllNamespaces(r: QueryParams): Promise<V1PodList> {
    return this.#http.request({ method: 'GET', path: '/api/v1/pods', query: r });
  }

  createNamespacedPodEviction(
    r: { namespace: string; name: string; body: V1Eviction } & QueryParams,
  ): Promise<unknown> {
    const path = corePath(r.namespace, 'pods', r.name, '/eviction');
    return this.#http.request({ method: 'POST', path, query: r, body: r.body });
  }

  createNamespacedEvent(r: { namespace: string; body: CoreV1Event } & QueryParams): Promise<CoreV1Event> {
    return this.#http.request({ method: 'POST', path: corePath(r.namespace, 'events'), query: r, body: r.body });
  }
}
