/**
 * Readiness check in raw RESP (one short-lived TCP connection, no client library state): AUTH then PING. A server
 * still loading its dataset answers -LOADING, which is "not ready", exactly like KubeDB's probe treats it.
 * A TLS-only server (KubeDB spec.tls) is probed over TLS with the pod's client certificate, as the probe's
 * `redis-cli --tls --cert /certs/client.crt --key /certs/client.key --cacert /certs/ca.crt` does.
 */
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';

const bulk = (s: string): string => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
const command = (...args: string[]): string => `*${args.length}\r\n${args.map(bulk).join('')}`;

export function pingRedis(
  host: string,
  port: number,
  password: string | undefined,
  timeoutMs = 500,
  tls?: ConnectionOptions,
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket: Socket = tls ? tlsConnect({ ...tls, host, port }) : connect({ host, port });
    let buffer = '';
    const expected = password ? 2 : 1;
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on(tls ? 'secureConnect' : 'connect', () => {
      socket.write((password ? command('AUTH', password) : '') + command('PING'));
    });
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      const replies = buffer.split('\r\n').filter((l) => l.length > 0);
      if (replies.some((r) => r.startsWith('-'))) return finish(false);
      if (replies.length >= expected) finish(replies[expected - 1] === '+PONG');
    });
  });
}
