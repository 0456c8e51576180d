/**
 * Readiness check in raw RESP (one short-lived TCP connection, no client library state): AUTH then PING. A server
 * still loading its dataset answers -LOADING, which is "not ready", exactly like KubeDB's probe treats it.
 */
import { connect } from 'node:net';

const bulk = (s: string): string => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
const command = (...args: string[]): string => `*${args.length}\r\n${args.map(bulk).join('')}`;

export function pingRedis(host: string, port: number, password: string | undefined, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let buffer = '';
    const expected = password ? 2 : 1;
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('connect', () => {
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
