import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiException } from '@kubernetes/client-node';
import { classifyError, ConflictError, OpsRequestFailedError, UnavailableError } from '../../errors.ts';
import { translateApiError } from './api-errors.ts';

const status = (code: number, reason: string, message: string): ApiException<string> =>
  new ApiException(
    code,
    'HTTP error',
    JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code }),
    {},
  );

void describe('translateApiError: the retry contract for Kubernetes API answers', () => {
  void it("422 Invalid and 400 BadRequest end the ops request Failed with the API's own message (retrying cannot fix them)", () => {
    const invalid =
      'Secret "x-rollback" is invalid: metadata.labels: Invalid value: "a-very-long-name": must be no more than 63 characters';
    for (const [code, reason, message] of [
      [422, 'Invalid', invalid],
      [400, 'BadRequest', 'the server rejected our request'],
    ] as const) {
      const err = translateApiError(status(code, reason, message), 'write secret demo/x-rollback');
      assert.equal(classifyError(err), 'fail-ops-request', `${code}`);
      assert.ok(err instanceof OpsRequestFailedError);
      assert.equal(err.reason, reason);
      assert.ok(err.message.includes('write secret demo/x-rollback'), err.message);
      assert.ok(err.message.includes(message), err.message);
      assert.ok(err.cause instanceof ApiException);
    }
  });

  void it('403 Forbidden is fatal, 409 is a conflict, 429/5xx/no answer are retried', () => {
    assert.equal(classifyError(translateApiError(status(403, 'Forbidden', 'no'), 'get redis')), 'fail-ops-request');
    assert.ok(translateApiError(status(409, 'Conflict', 'stale'), 'patch') instanceof ConflictError);
    for (const code of [429, 500, 503]) {
      const err = translateApiError(status(code, 'x', 'busy'), 'patch');
      assert.ok(err instanceof UnavailableError, `${code}`);
      assert.equal(classifyError(err), 'retry');
    }
    assert.ok(translateApiError(new Error('ECONNREFUSED'), 'patch') instanceof UnavailableError);
  });
});
