/** Small HTTP helpers: bodies, JSON responses, content negotiation. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import YAML from 'yaml';
import { ApiError, badRequest } from './errors.ts';
import { isObject } from './json-patch.ts';
import type { KubeObject } from './types.ts';

const MAX_BODY = 3 * 1024 * 1024; // the real server's default request size limit is 3 MiB

export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBodyBytes(req)).toString('utf8');
}

export async function readBodyBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Parses a JSON body; YAML too when the content type says so (kubectl sends JSON, SSA sends YAML or JSON). */
export function parseBody(text: string, contentType: string): unknown {
  // Protobuf bodies are decoded by decodeBody (protobuf.ts) before reaching here, for the kinds it knows.
  if (contentType.includes('protobuf'))
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
    );
  if (text.trim() === '') throw badRequest('the request body is empty');
  const yaml = contentType.includes('yaml');
  try {
    return yaml ? YAML.parse(text) : JSON.parse(text);
  } catch (err) {
    const what = yaml ? 'yaml' : 'json';
    throw badRequest(`error decoding ${what}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
}

export function asObject(v: unknown): KubeObject {
  if (!isObject(v)) throw badRequest('the body of the request must be a JSON object');
  return v as KubeObject;
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  const headers: Record<string, string> = {};
  if (err.details?.retryAfterSeconds) headers['Retry-After'] = String(err.details.retryAfterSeconds);
  const text = JSON.stringify(err.toStatus());
  res.writeHead(err.code, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** kubectl asks for `application/json;as=Table;v=v1;g=meta.k8s.io` when it wants server-side printing. */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return (
      params.includes('as=Table') &&
      params.includes('g=meta.k8s.io') &&
      (params.includes('v=v1') || params.includes('v=v1beta1'))
    );
  });
}

export function boolParam(v: string | null): boolean {
  return v === 'true' || v === '1';
}

export function intParam(v: string | null, name: string): number | undefined {
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`invalid ${name}: ${v}`);
  return n;
}

/**
 * A list/watch `resourceVersion`: the real server parses it as a uint64 (APIObjectVersioner.ParseResourceVersion) and
 * refuses anything else with this message; such a watch must not start (and then end in a 410, which tells the client
 * to relist and retry forever).
 */
export function resourceVersionParam(v: string | null): string {
  if (v === null || v === '' || /^\d+$/.test(v)) return v ?? '';
  throw badRequest(
    `resourceVersion: Invalid value: ${JSON.stringify(v)}: strconv.ParseUint: parsing ${JSON.stringify(v)}: invalid syntax`,
  );
}
