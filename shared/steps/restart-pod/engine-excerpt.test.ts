/**
 * engineExcerpt on what real redis-server / valkey-server print when they stop at start: the outputs are produced
 * here by the real binaries (a refused config file, a taken port), then cut as the kubelet's 2048-byte tail cuts them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runToExit } from '../../config/redis-server-harness.ts';
import { engineExcerpt, EXCERPT_MAX_CHARS } from './engine-excerpt.ts';

/** What the kubelet keeps of a log as the termination message: its last 2048 bytes, cut wherever they fall. */
const kubeletTail = (log: string) => log.slice(-2048);
/** Start-up chatter as redis-server writes it, to put ahead of the real failure. */
const chatter = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => `4242:M 02 Dec 2026 16:36:03.${String(i % 1000).padStart(3, '0')} * Ready to accept connections tcp`,
  ).join('\n');

void describe('engineExcerpt on real engine output', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'engine-excerpt-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  async function refusedConfig(binary: string, conf: string): Promise<string> {
    await writeFile(join(dir, 'bad.conf'), conf);
    const exit = await runToExit([join(dir, 'bad.conf')], dir, binary);
    assert.equal(exit.code, 1, exit.output);
    return exit.output;
  }

  void it('quotes the FATAL CONFIG FILE ERROR block: the line, the directive and the reason', async () => {
    const out = await refusedConfig('redis-server', 'port 0\nmaxclients 100\nmaxclients notanumber\n');
    assert.match(
      engineExcerpt(out),
      /^\*\*\* FATAL CONFIG FILE ERROR \(Redis [\d.]+\) \*\*\* \/ Reading the configuration file, at line 3 \/ >>> 'maxclients notanumber' \/ argument couldn't be parsed into an integer$/,
    );
    const unknown = await refusedConfig('redis-server', 'port 0\nfoo-bar 1\n');
    assert.match(engineExcerpt(unknown), />>> 'foo-bar 1' \/ Bad directive or wrong number of arguments$/);
  });

  void it('the same from valkey-server, and from a tail the kubelet cut mid-line', async () => {
    const out = await refusedConfig('valkey-server', 'port 0\nmaxmemory-policy sometimes\n');
    assert.match(
      engineExcerpt(out),
      /^\*\*\* FATAL CONFIG FILE ERROR \((Valkey|Version) [\d.]+\) \*\*\* \/ .*>>> 'maxmemory-policy sometimes' \/ /,
    );
    const cut = kubeletTail(`${chatter(60)}\n${out}`);
    assert.ok(cut.length === 2048 && !cut.startsWith('4242:'), 'the sample starts mid-line');
    assert.equal(engineExcerpt(cut), engineExcerpt(out));
  });

  void it('quotes the warning lines of a server that stopped after start-up (the port is taken)', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const exit = await runToExit(['--port', String(port), '--bind', '127.0.0.1', '--dir', dir], dir);
      assert.equal(exit.code, 1, exit.output);
      const excerpt = engineExcerpt(kubeletTail(`${chatter(40)}\n${exit.output}`));
      assert.match(excerpt, /Address already in use \/ Failed listening on port \d+ \(tcp\), aborting\.$/i);
      assert.doesNotMatch(excerpt, /^\d+:M/, 'the log prefix is left out');
    } finally {
      taken.close();
    }
  });
});

void describe('engineExcerpt bounds', () => {
  void it('is at most a few hundred characters, made of whole lines; a lone long line is cut with …', () => {
    const longDirective = `>>> 'save ${'1 '.repeat(400)}'`;
    const out = engineExcerpt(
      `*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n${longDirective}\nInvalid save parameters\n`,
    );
    assert.ok(out.length <= EXCERPT_MAX_CHARS, String(out.length));
    assert.match(out, /^>>> 'save 1 1 .*…$/);
    const plain = engineExcerpt('something else\nentirely\n');
    assert.equal(plain, 'something else / entirely');
  });
});
