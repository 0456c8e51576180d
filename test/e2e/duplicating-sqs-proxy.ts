/**
 * Fault injection on the wire: an HTTP proxy in front of the SQS emulator that delivers every SendMessage and
 * SendMessageBatch twice (SQS is at-least-once; this makes "at least" always "twice"), and with `replayLateMs` a
 * third time that much later — a copy that arrives after the first was processed, as a stale redelivery does.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DuplicatingProxy {
  endpoint: string;
  duplicated(): number;
  /** Late copies sent (with `replayLateMs`), and those the emulator refused or could not take. */
  replayedLate(): { sent: number; failed: number };
  stop(): Promise<void>;
}

export async function startDuplicatingSqsProxy(
  target: string,
  options: { replayLateMs?: number } = {},
): Promise<DuplicatingProxy> {
  const upstream = new URL(target);
  let duplicated = 0;
  const late = { sent: 0, failed: 0 };
  const lateTimers = new Set<NodeJS.Timeout>();
  const forward = (
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const target = String(req.headers['x-amz-target'] ?? '');
      const isSend = /SendMessage(Batch)?$/.test(target);
      const first = forward(req, body);
      const second = isSend ? first.then(() => forward(req, body)).then(() => void duplicated++) : Promise.resolve();
      if (isSend && options.replayLateMs !== undefined) {
        const timer = setTimeout(() => {
          lateTimers.delete(timer);
          forward(req, body).then(
            (r) => void (r.status === 200 ? late.sent++ : late.failed++),
            () => void late.failed++,
          );
        }, options.replayLateMs);
        lateTimers.add(timer);
      }
      Promise.all([first, second]).then(
        ([r]) => {
          res.writeHead(r.status, r.headers);
          res.end(r.body);
        },
        (err: unknown) => {
          res.writeHead(502);
          res.end(String(err));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    duplicated: () => duplicated,
    replayedLate: () => ({ ...late }),
    stop: () =>
      new Promise((resolve) => {
        for (const timer of lateTimers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
