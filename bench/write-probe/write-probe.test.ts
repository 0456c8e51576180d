import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { WriteProbeConnectError } from './clients.ts';
import { WriteProbeError, startWriteProbe } from './write-probe.ts';

/** A loopback address with nothing listening: bind an ephemeral port, then release it. */
async function closedPort(): Promise<{ host: string; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.10.249.250', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  return { host: '127.10.249.250', port };
}

describe('startWriteProbe (no Redis)', () => {
  it('rejects a key prefix that would override the hash tag', () => {
    assert.throws(
      () => startWriteProbe({ mode: 'standalone', host: '127.10.249.250', port: 1 }, { keyPrefix: 'a{b}' }),
      WriteProbeError,
    );
  });

  it('stop() and waitForWrites() reject with the connection error when the target never answers', async () => {
    const { host, port } = await closedPort();
    const probe = startWriteProbe({ mode: 'standalone', host, port }, { startupTimeoutMs: 300 });
    await assert.rejects(probe.waitForWrites(1, 5_000), WriteProbeConnectError);
    await assert.rejects(
      probe.stop(),
      (err: unknown) => err instanceof WriteProbeConnectError && /ECONNREFUSED/.test(err.message),
    );
    assert.deepEqual(probe.progress(), { acknowledged: {}, failed: {} });
  });
});
