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
import type * as http from 'node:http';
import type * as https from 'node:https';
import { createRequire } from 'node:module';
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { ApiException } from '@kubernetes/client-node/dist/gen/apis/exception.js';
import type { CoreV1Event, V1Eviction, V1Pod, V1PodList, V1Secret } from '@kubernetes/client-node';

/**
 * node:http(s) through require(), not `import`: an ESM import builds the built-in's ESM facade, which reads every
 * export — node:http's lazy undici-backed ones (WebSocket, EventSource, ...) included — and so loads Node's bundled
 * undici at cold start (~20 ms CPU; ~30 ms for both modules, measured with --cpu-prof); require() leaves them lazy.
 */
const nodeRequire = createRequire(import.meta.url);
const httpLib = nodeRequire('node:http') as typeof http;
const httpsLib = nodeRequire('node:https') as typeof https;

/** RFC 7386 merge patch (what every patch of the functions is). */
export const MERGE_PATCH = 'application/merge-patch+json';

export interface PatchOptions {
  /** The patch's media type: merge patch, JSON patch, strategic merge or apply patch. */
  contentType: string;
}

/** Query parameters the API server understands on the calls below (list options, write options). */
interface QueryParams {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  _continue?: string;
  resourceVersion?: string;
  fieldManager?: string;
  fieldValidation?: string;
  dryRun?: string;
  force?: boolean;
  pretty?: string;
}
const QUERY_KEYS: ReadonlyArray<keyof QueryParams> = [
  'labelSelector',
  'fieldSelector',
  'limit',
  '_continue',
  'resourceVersion',
  'fieldManager',
  'fieldValidation',
  'dryRun',
  'force',
  'pretty',
];

interface Call {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  query?: QueryParams;
  body?: unknown;
  contentType?: string;
}

const seg = (s: string): string => encodeURIComponent(s);

function queryString(query: QueryParams | undefined): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const key of QUERY_KEYS) {
    const value = query[key];
    // client-node sends `_continue` as `continue` (the generated name avoids the JS keyword).
    if (value !== undefined) params.set(key === '_continue' ? 'continue' : key, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * One HTTP client per KubeConfig: builds the keep-alive agent from the first request's TLS options. With a
 * `fieldManager`, every write (POST, PATCH) names it, so the API server's managedFields say which fields this client
 * set (https://kubernetes.io/docs/reference/using-api/server-side-apply/#managers); a call's own value wins.
 */
export class KubeRestClient {
  readonly #kc: KubeConfig;
  readonly #fieldManager: string | undefined;
  #agent: http.Agent | undefined;

  constructor(kc: KubeConfig, opts: { fieldManager?: string } = {}) {
    this.#kc = kc;
    this.#fieldManager = opts.fieldManager;
  }

  async request<T>(call: Call): Promise<T> {
    const cluster = this.#kc.getCurrentCluster();
    if (cluster === null) throw new Error('the kubeconfig has no current cluster');
    const query =
      call.method !== 'GET' && this.#fieldManager !== undefined
        ? { ...call.query, fieldManager: call.query?.fieldManager ?? this.#fieldManager }
        : call.query;
    const url = new URL(cluster.server.replace(/\/+$/, '') + call.path + queryString(query));
    const opts: https.RequestOptions = { headers: {} };
    // Auth headers (bearer, exec, custom authenticators), CA, client cert/key, skipTLSVerify, tls-server-name.
    await this.#kc.applyToHTTPSOptions(opts);
    const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
    // applyToHTTPSOptions only ever assigns header fields on the object it was given.
    const headers: http.OutgoingHttpHeaders = {
      ...(opts.headers as http.OutgoingHttpHeaders),
      Accept: 'application/json',
    };
    if (payload !== undefined) {
      headers['Content-Type'] = call.contentType ?? 'application/json';
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    const agent = cluster.proxyUrl ? (opts.agent as http.Agent) : this.#agentFor(url, opts);
    const request = { method: call.method, headers, agent, ...(opts.auth !== undefined ? { auth: opts.auth } : {}) };
    const { status, text, responseHeaders } = await send(url, request, payload);
    const body = parseBody(text);
    if (status < 200 || status > 299)
      throw new ApiException(status, `${call.method} ${call.path}`, body, responseHeaders);
    return body as T;
  }

  /** client-node's own agent has keepAlive off; ours keeps the connection (and TLS session) between calls. */
  #agentFor(url: URL, opts: https.RequestOptions): http.Agent {
    if (this.#agent !== undefined) return this.#agent;
    if (url.protocol === 'http:') {
      this.#agent = new httpLib.Agent({ keepAlive: true });
      return this.#agent;
    }
    const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = opts;
    this.#agent = new httpsLib.Agent({
      keepAlive: true,
      ca,
      cert,
      key,
      pfx,
      passphrase,
      rejectUnauthorized,
      servername,
    });
    return this.#agent;
  }
}

function send(
  url: URL,
  opts: { method: string; headers: http.OutgoingHttpHeaders; agent: http.Agent; auth?: string | null },
  payload: string | undefined,
): Promise<{ status: number; text: string; responseHeaders: Record<string, string> }> {
  const transport = url.protocol === 'http:' ? httpLib : httpsLib;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const responseHeaders: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) responseHeaders[k] = String(v);
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), responseHeaders });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

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
