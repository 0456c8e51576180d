import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RedisOpsRequest } from './types.ts';
import { aclChangeOf, asksForConfigChange } from './reconfigure-support.ts';

/** Only the spec is read. */
const opsRequest = (configuration: RedisOpsRequest['spec']['configuration'] = { configSecret: { name: 'c' } }) =>
  ({ spec: { type: 'Reconfigure', databaseRef: { name: 'rd' }, configuration } }) as RedisOpsRequest;
const withConfiguration = (configuration: Record<string, unknown>) => opsRequest(configuration);

void describe('what a Reconfigure asks for', () => {
  void it('an ACL change: any of secretRef, syncACL, deleteUsers, alone or with a config change', () => {
    for (const auth of [
      { syncACL: ['app ${k1} +get ~app:*'] },
      { deleteUsers: ['old'] },
      { secretRef: { name: 'acl' }, syncACL: ['u ${p} +@all'] },
      { secretRef: { name: 'acl' } },
    ]) {
      for (const rest of [{ applyConfig: { 'redis.conf': 'maxclients 600' } }, {}]) {
        assert.deepEqual(aclChangeOf(withConfiguration({ ...rest, auth })), auth, JSON.stringify(auth));
      }
    }
  });

  void it('no ACL change: auth absent, null or empty', () => {
    assert.equal(aclChangeOf(opsRequest()), undefined);
    for (const auth of [undefined, null, {}, { syncACL: [], deleteUsers: [] }, { secretRef: { name: '' } }]) {
      assert.equal(aclChangeOf(withConfiguration({ auth })), undefined, JSON.stringify(auth));
    }
  });

  void it('a configuration change: configSecret, a non-empty applyConfig or removeCustomConfig; auth is not one', () => {
    assert.equal(asksForConfigChange(opsRequest()), true);
    assert.equal(asksForConfigChange(withConfiguration({ removeCustomConfig: true })), true);
    assert.equal(asksForConfigChange(withConfiguration({ applyConfig: { 'redis.conf': 'hz 20' } })), true);
    assert.equal(asksForConfigChange(withConfiguration({ applyConfig: {} })), false);
    assert.equal(asksForConfigChange(withConfiguration({ auth: { deleteUsers: ['u'] } })), false);
  });
});
