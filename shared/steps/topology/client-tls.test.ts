import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OpsRequestFailedError } from '../../errors.ts';
import type { StepDeps } from '../ports.ts';
import { clientTls } from './client-tls.ts';
import { InMemoryKube } from '../../../test/support/in-memory-kube.ts';

const db = (spec: Record<string, unknown>) => ({ kind: 'Redis', metadata: { name: 'rd', namespace: 'demo' }, spec });
const kube = (data: Record<string, string> | undefined, reads: string[] = []): Pick<StepDeps, 'kube'> => {
  const cluster = new (class extends InMemoryKube {
    override async getSecret(ns: string, name: string) {
      reads.push(`${ns}/${name}`);
      return super.getSecret(ns, name);
    }
  })();
  if (data !== undefined) cluster.addSecret('demo', 'rd-client-cert', data);
  return { kube: cluster };
};

describe('clientTls (how the functions reach a spec.tls database)', () => {
  it('no spec.tls: nothing, and no Secret read', async () => {
    const reads: string[] = [];
    assert.deepEqual(await clientTls(db({}), kube({}, reads)), {});
    assert.deepEqual(reads, []);
  });

  it("spec.tls: <db>-client-cert's ca.crt/tls.crt/tls.key, verified against <db>.<ns>.svc", async () => {
    const reads: string[] = [];
    const got = await clientTls(
      db({ tls: { issuerRef: { name: 'i' } } }),
      kube({ 'ca.crt': 'CA', 'tls.crt': 'CRT', 'tls.key': 'KEY' }, reads),
    );
    assert.deepEqual(got, { tls: { ca: 'CA', cert: 'CRT', key: 'KEY', servername: 'rd.demo.svc' } });
    assert.deepEqual(reads, ['demo/rd-client-cert']);
  });

  it('a missing or incomplete secret ends the request (TLSSecretNotFound), naming the secret, not its content', async () => {
    for (const data of [undefined, { 'ca.crt': 'CA', 'tls.crt': 'CRT' }]) {
      await assert.rejects(clientTls(db({ tls: {} }), kube(data)), (err: unknown) => {
        assert.ok(err instanceof OpsRequestFailedError);
        assert.equal(err.reason, 'TLSSecretNotFound');
        assert.match(err.message, /demo\/rd-client-cert/);
        assert.doesNotMatch(err.message, /CRT|CA\b/);
        return true;
      });
    }
  });
});
