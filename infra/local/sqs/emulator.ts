/**
 * The fauxqs SQS emulator, in-process and on loopback only.
 *
 * fauxqs's `startFauxqs()` always listens on 0.0.0.0 (and its CLI logs every request), so the app is built with
 * its exported `buildApp()` and bound to 127.0.0.1 here. With no `host` option fauxqs builds queue URLs from the
 * request's Host header, i.e. `http://127.0.0.1:<port>/000000000000/<name>`.
 */
import { buildApp } from 'fauxqs';

interface SqsEmulator {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export async function startSqsEmulator(
  options: { host?: string; port?: number; region?: string } = {},
): Promise<SqsEmulator> {
  const app = buildApp({ logger: false, ...(options.region ? { defaultRegion: options.region } : {}) });
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string')
    throw new Error(`fauxqs: unexpected listen address ${String(address)}`);
  return {
    endpoint: `http://${host}:${address.port}`,
    port: address.port,
    // fauxqs sets forceCloseConnections, so pending long polls do not hold close() up.
    stop: async () => {
      await app.close();
    },
  };
}
