import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { opsRequest, redis } from '../../test/support/objects.ts';
import { rollbackSecretName, snapshotSecretMeta } from './rollback-snapshot.ts';

const isValidLabelValue = (v: string): boolean =>
  v.length <= 63 && (v === '' || /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(v));
const isDnsSubdomain = (v: string): boolean => v.length <= 253 && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(v);

void describe('the rollback snapshot Secret', () => {
  void it('keeps short names as they are', () => {
    const ops = opsRequest({ name: 'rdops-reconfigure' });
    assert.equal(rollbackSecretName(ops), 'rdops-reconfigure-rollback');
    assert.equal(snapshotSecretMeta(ops, redis()).labels['ops.kubedb.com/name'], 'rdops-reconfigure');
  });

  void it('has valid label values and a valid name for any legal ops request name (the API answers 422 otherwise)', () => {
    for (const name of [`reconfigure-${'x'.repeat(60)}`, `${'r'.repeat(243)}-x`, 'n'.repeat(253)]) {
      const ops = opsRequest({ name });
      const meta = snapshotSecretMeta(ops, redis());
      for (const [key, value] of Object.entries(meta.labels)) assert.ok(isValidLabelValue(value), `${key}=${value}`);
      assert.ok(isDnsSubdomain(rollbackSecretName(ops)), rollbackSecretName(ops));
      assert.notEqual(rollbackSecretName(ops), name);
      assert.equal(meta.owner.name, name, 'the owner reference keeps the full name');
    }
  });
});
