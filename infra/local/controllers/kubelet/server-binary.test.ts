import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { onPath, serverBinary } from './server-binary.ts';

void describe('server binary: valkey-server for Valkey images when installed, else redis-server says so', () => {
  void it('Redis images run redis-server', () => {
    assert.deepEqual(
      serverBinary(false, () => true),
      { binary: 'redis-server', substitutedValkey: false },
    );
  });
  void it('Valkey images run valkey-server when it is installed', () => {
    assert.deepEqual(
      serverBinary(true, () => true),
      { binary: 'valkey-server', substitutedValkey: false },
    );
  });
  void it('without valkey-server, redis-server stands in and the substitution is flagged', () => {
    assert.deepEqual(
      serverBinary(true, () => false),
      { binary: 'redis-server', substitutedValkey: true },
    );
  });
  void it('onPath finds executables only, in any PATH directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'server-binary-'));
    try {
      await writeFile(join(dir, 'exe'), '#!/bin/sh\n');
      await chmod(join(dir, 'exe'), 0o755);
      await writeFile(join(dir, 'plain'), '');
      const path = ['/nonexistent', dir].join(delimiter);
      assert.equal(onPath('exe', path), true);
      assert.equal(onPath('plain', path), false);
      assert.equal(onPath('missing', path), false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
