/** The rollout handler's routing: an outcome event reaches the rollout its ref names; a bad record fails alone. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../logging.ts';
import { newRolloutMessage } from '../messages/rollout-message.ts';
import { newTransitionEvent } from '../messages/transition-event.ts';
import type { RolloutDeps } from '../steps/rollout/ports.ts';
import { sqsRecord } from '../../test/support/sqs.ts';
import { createRolloutHandler } from './rollout-handler.ts';

const outcome = JSON.stringify(
  newTransitionEvent(
    {
      version: 1,
      clusterId: 'c2',
      namespace: 'demo',
      opsRequest: { name: 'r1-rd-a-0123456789', uid: 'ops-1' },
      database: 'rd-a',
      step: 'resume',
      phase: 'Successful',
      condition: { type: 'Successful', status: 'True' },
      rollout: { ref: 'hub/fleet/r1', uid: 'ru-1' },
      sequence: 3,
      traceId: 't',
    },
    'urn:t',
  ),
);
const look = JSON.stringify(
  newRolloutMessage(
    { version: 1, clusterId: 'hub', namespace: 'fleet', name: 'r1', uid: 'ru-1', reason: 'look', traceId: 't' },
    'urn:t',
  ),
);

describe('rollout handler', () => {
  it('wakes the rollout named by an outcome event, one record of a rollout after the other; a bad one fails alone', async () => {
    const reads: string[] = [];
    const deps = {
      hub: async (clusterId: string) => ({
        getRollout: async (ns: string, name: string) => {
          reads.push(`${clusterId}/${ns}/${name}`);
          return undefined; // gone: a logged no-op
        },
        writeRolloutStatus: async () => assert.fail('nothing to write for a rollout that is gone'),
      }),
      log: silentLogger,
    } as unknown as RolloutDeps;
    const handler = createRolloutHandler(deps, silentLogger);
    const response = await handler(
      { Records: [sqsRecord(outcome, 'e1'), sqsRecord('nope', 'x'), sqsRecord(look, 'l1')] },
      { awsRequestId: 'r', functionName: 'f', getRemainingTimeInMillis: () => 1000 },
    );
    assert.deepEqual(
      response.batchItemFailures.map((f) => f.itemIdentifier),
      ['x'],
    );
    assert.deepEqual(reads, ['hub/fleet/r1', 'hub/fleet/r1']);
  });
});
