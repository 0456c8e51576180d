/** `npm run local -- --clusters <n>`: parsed at the edge, the switch named in every refusal. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCliArgs, UsageError } from '../../cli.ts';

void describe('npm run local -- --clusters', () => {
  void it('gives the fleet size; absent, the single cluster is unchanged', () => {
    assert.equal(parseCliArgs(['--clusters', '3']).clusters, 3);
    assert.equal('clusters' in parseCliArgs([]), false);
    assert.equal(parseCliArgs(['--clusters', '1', '--kubernetes-only']).clusters, 1, 'one cluster is the plain stack');
  });

  void it('refuses a bad count and the combinations a fleet does not run', () => {
    for (const bad of ['0', '21', 'three', '2.5'])
      assert.throws(
        () => parseCliArgs(['--clusters', bad]),
        (e: Error) => e instanceof UsageError && /--clusters/.test(e.message),
      );
    assert.throws(() => parseCliArgs(['--clusters', '3', '--kubernetes-only']), /cannot be combined/);
    assert.throws(() => parseCliArgs(['--clusters', '3', '--fault-latency', '*=10']), /cannot be combined/);
  });
});
