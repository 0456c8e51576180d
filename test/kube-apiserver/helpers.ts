/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument -- API JSON is checked by the assertions */
/** Shared test helpers: a started server, raw HTTPS requests that verify the generated CA, bounded polling. */
import { execFile, spawnSync } from 'node:child_process';
import { request } from 'node:https';
import {
  type KubeApiServer,
  type KubeApiServerOptions,
  startKubeApiServer,
} from '../../infra/local/kube-apiserver/index.ts';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export async function raw(
  server: KubeApiServer,
  method: string,
  path: string,
  body?: unknown,
  opts: { contentType?: string; accept?: string; token?: string | null; userAgent?: string } = {},
): Promise<RawResponse> {
  const url = new URL(server.url + path);
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = {};
  if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? server.adminToken}`;
  if (payload !== undefined) {
    headers['content-type'] = opts.contentType ?? 'application/json';
    // Node sends DELETE bodies only with an explicit length (no chunked encoding by default for DELETE).
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  if (opts.accept) headers.accept = opts.accept;
  if (opts.userAgent) headers['user-agent'] = opts.userAgent;
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, ca: server.caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Polls `fn` until it returns a truthy value or the deadline passes (no fixed sleeps in assertions). */
export async function eventually<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startTestServer(opts: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  return startKubeApiServer({ onError: (err, what) => console.error('[test server]', what, err), ...opts });
}

export async function ensureNamespace(server: KubeApiServer, name: string): Promise<void> {
  const r = await raw(server, 'POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
  });
  if (r.status !== 201 && r.status !== 409) throw new Error(`creating namespace ${name}: ${r.status} ${r.text}`);
}

export interface WatchStream {
  events: { type: string; object: any }[];
  ended: boolean;
  close(): void;
}

/** Opens a raw watch and collects its JSON-line events. */
export async function openWatch(server: KubeApiServer, path: string, accept?: string): Promise<WatchStream> {
  const url = new URL(server.url + path);
  const stream: WatchStream = { events: [], ended: false, close: () => undefined };
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${server.adminToken}` };
    if (accept) headers.accept = accept;
    const req = request(url, { headers, ca: server.caPem }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          stream.events.push(JSON.parse(buf.slice(0, i)));
          buf = buf.slice(i + 1);
        }
      });
      const end = () => {
        stream.ended = true;
      };
      res.on('end', end);
      res.on('close', end);
      res.on('error', end);
      stream.close = () => req.destroy();
      resolve(stream);
    });
    req.on('error', (err) => {
      stream.ended = true;
      if (!stream.close) reject(err);
    });
    req.end();
  });
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real kubectl; HOME is a per-test temp dir so its discovery cache never leaks between runs. */
export async function runKubectl(
  kubeconfig: string,
  home: string,
  args: string[],
  input?: string,
): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, ...args],
      { env: { ...process.env, HOME: home }, timeout: 30_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

export function requireKubectl(): void {
  const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    throw new Error('kubectl is required for these tests but was not found on PATH');
}
