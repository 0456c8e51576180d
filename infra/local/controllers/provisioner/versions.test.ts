import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENGINE_TABLES } from '../../../../shared/config/flags.ts';
import { tableForVersion } from '../../../../shared/config/versions.ts';
import { defaultRedisVersions } from './versions.ts';

void describe('default RedisVersions of the local stack', () => {
  void it('cover every engine line that has a directive table, one each', () => {
    const lines = defaultRedisVersions().map((v) => tableForVersion(v.spec).label);
    assert.deepEqual(lines.sort(), ENGINE_TABLES.map((t) => t.label).sort());
  });

  void it("keep KubeDB's catalog naming: <version> for Official, valkey-<version> for Valkey", () => {
    for (const v of defaultRedisVersions())
      assert.equal(v.metadata.name, v.spec.distribution === 'Valkey' ? `valkey-${v.spec.version}` : v.spec.version);
  });
});
