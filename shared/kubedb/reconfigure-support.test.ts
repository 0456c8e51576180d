import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { opsRequest } from '../../test/support/objects.ts';
import { unsupportedReconfigure } from './reconfigure-support.ts';

const withAuth = (auth: unknown, rest: Record<string, unknown> = { applyConfig: { 'redis.conf': 'maxclients 600' } }) =>
  opsRequest({ spec: { configuration: { ...rest, auth } as never } });

void describe('unsupportedReconfigure', () => {
  void it('refuses an ACL change (spec.configuration.auth), alone or with a config change, naming it', () => {
    for (const auth of [
      { syncACL: ['app ${k1} +get ~app:*'] },
      { deleteUsers: ['old'] },
      { secretRef: { name: 'acl' }, syncACL: ['u ${p} +@all'] },
      { secretRef: { name: 'acl' } },
    ]) {
      for (const rest of [{ applyConfig: { 'redis.conf': 'maxclients 600' } }, {}]) {
        const refused = unsupportedReconfigure(withAuth(auth, rest));
        assert.equal(refused?.reason, 'UnsupportedReconfiguration', JSON.stringify(auth));
        assert.match(
          refused?.message ?? '',
          /ACL reconfiguration \(spec\.configuration\.auth.*\) is not supported by this engine/,
        );
      }
    }
  });

  void it('accepts requests without an ACL change', () => {
    assert.equal(unsupportedReconfigure(opsRequest()), undefined);
    for (const auth of [undefined, null, {}, { syncACL: [], deleteUsers: [] }, { secretRef: { name: '' } }]) {
      assert.equal(unsupportedReconfigure(withAuth(auth)), undefined, JSON.stringify(auth));
    }
  });
});
