/**
 * The HTTP client under kube-rest.ts: one keep-alive agent per KubeConfig, its credentials applied to every request,
 * responses either collected (`request`) or handed on as they arrive (`stream`, the watches of kube-rest-watch.ts).
 * See kube-rest.ts for why this is not client-node's generated API and transport.
 */
import type * as http from 'node:http';
import type * as https from 'node:https';
import { createRequire } from 'node:module';
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { ApiException } from '@kubernetes/client-node/dist/gen/apis/exception.js';

/**
 * node:http(s) through require(), not `import`: an ESM import builds the built-in's ESM facade, which reads every
 * export — node:http's lazy undici-backed ones (WebSocket, EventSource, ...) included — and so loads Node's bundled
 * undici at cold start (~20 ms CPU; ~30 ms for both modules, measured with --cpu-prof); require() leaves them lazy.
 */
const nodeRequire = createRequire(import.meta.url);
const httpLib = nodeRequire('node:http') as typeof http;
const httpsLib = nodeRequire('node:https') as typeof https;

/** Query parameters the API server understands on the calls below (list options, write options). */
export interface QueryParams {
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
  /** A watch's own parameters (kube-rest-watch.ts). */
  watch?: boolean;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  sendInitialEvents?: boolean;
  resourceVersionMatch?: string;
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
  'watch',
  'allowWatchBookmarks',
  'timeoutSeconds',
  'sendInitialEvents',
  'resourceVersionMatch',
];

const STREAM_RESPONSE_TIMEOUT_MS = 30_000;

interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  path: string;
  query?: QueryParams;
  body?: unknown;
  contentType?: string;
}

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
    const { url, request, payload } = await this.#prepare(call);
    const { status, text, responseHeaders } = await send(url, request, payload);
    const body = parseBody(text);
    if (status < 200 || status > 299)
      throw new ApiException(status, `${call.method} ${call.path}`, body, responseHeaders);
    return body as T;
  }

  /**
   * A GET whose body is handed on as it arrives (a watch), instead of being collected: resolves once the response
   * status is 2xx, with the response (utf8) and the way to end it; a non-2xx status rejects with ApiException, as
   * `request` does.
   */
  async stream(call: { path: string; query?: QueryParams }): Promise<OpenStream> {
    const { url, request } = await this.#prepare({ method: 'GET', ...call });
    const transport = url.protocol === 'http:' ? httpLib : httpsLib;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, request, (res) => {
        // From here on the stream may be quiet for long (its reader judges that); only the wait for it is bounded.
        req.setTimeout(0);
        const status = res.statusCode ?? 0;
        if (status >= 200 && status <= 299) {
          res.setEncoding('utf8');
          resolve({ response: res, abort: () => req.destroy() });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = parseBody(Buffer.concat(chunks).toString('utf8'));
          reject(new ApiException(status, `GET ${call.path}`, body, headersOf(res)));
        });
      });
      // An API server that accepts the connection but never answers would leave the watch pending for good (client-node's
      // Watch bounds this with the same 30 s).
      req.setTimeout(STREAM_RESPONSE_TIMEOUT_MS, () =>
        req.destroy(new Error(`GET ${call.path}: no response in ${STREAM_RESPONSE_TIMEOUT_MS} ms`)),
      );
      req.on('error', reject);
      req.end();
    });
  }

  async #prepare(call: Call): Promise<{ url: URL; request: SendOptions; payload: string | undefined }> {
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
    return { url, request, payload };
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

/** An open streaming response (`KubeRestClient.stream`). */
interface OpenStream {
  response: http.IncomingMessage;
  /** Ends the request and its connection (the response then emits 'close'). */
  abort: () => void;
}

interface SendOptions {
  method: string;
  headers: http.OutgoingHttpHeaders;
  agent: http.Agent;
  auth?: string | null;
}

const headersOf = (res: http.IncomingMessage): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = String(v);
  return out;
};

function send(
  url: URL,
  opts: SendOptions,
  payload: string | undefined,
): Promise<{ status: number; text: string; responseHeaders: Record<string, string> }> {
  const transport = url.protocol === 'http:' ? httpLib : httpsLib;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, text, responseHeaders: headersOf(res) });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
