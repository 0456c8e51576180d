import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { SCHEMAS_DIR } from '../../scripts/gen-event-schemas.ts';
import { InvalidMessageError } from '../errors.ts';
import { eventJsonSchemas, schemaFileText } from './json-schema.ts';
import { parseStepMessage } from './parse.ts';
import { FUNCTION_STEPS, newStepMessage, type FunctionStep } from './step-message.ts';
import { newTransitionEvent, transitionEventSchema } from './transition-event.ts';
import { newRolloutMessage } from './rollout-message.ts';
import { rolloutEvent } from '../adapters/events/rollout-publisher.ts';
import { ROLLOUT_EVENT_TYPES } from '../fleet/types.ts';

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, validateFormats: false });
const validators = new Map(
  Object.entries(eventJsonSchemas()).map(([file, s]) => [file.replace(/\.json$/, ''), ajv.compile(s)]),
);
const validate = (event: { type: string; [k: string]: unknown }): boolean => {
  const v = validators.get(event.type);
  assert.ok(v, `a schema for ${event.type}`);
  return v(event);
};

const traceparent = '00-7d3b2f3e1c2a4b5d8e9f0a1b2c3d4e5f-00f067aa0ba902b7-01';
const refs = {
  version: 1 as const,
  clusterId: 'local',
  namespace: 'demo',
  opsRequest: { name: 'rdops', uid: '7d3b2f3e-1c2a-4b5d-8e9f-0a1b2c3d4e5f' },
  traceId: '7d3b2f3e1c2a4b5d8e9f0a1b2c3d4e5f',
};
const stepMessage = (step: FunctionStep) =>
  newStepMessage(
    { ...refs, step, ...(step === 'restart-pod' ? { pod: 'rd-0', phase: 'evict' as const } : {}) },
    'urn:t',
    new Date(),
    {
      traceparent,
      tracestate: 'rojo=00f067aa0ba902b7',
    },
  );
const transition = (type: string, status: 'True' | 'False') =>
  newTransitionEvent(
    { ...refs, database: 'rd', step: 'resume', phase: 'Successful', condition: { type, status }, sequence: 3 },
    'urn:t',
  );

describe('published event schemas (docs/schemas)', () => {
  it('are what the zod schemas generate: run `npm run gen:schemas` after changing a message', () => {
    const expected = eventJsonSchemas();
    const onDisk = readdirSync(SCHEMAS_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort();
    assert.deepEqual(onDisk, Object.keys(expected).sort());
    for (const [file, schema] of Object.entries(expected))
      assert.equal(readFileSync(join(SCHEMAS_DIR, file), 'utf8'), schemaFileText(schema), file);
  });

  it('accept every message and event the code builds, and name it by dataschema', () => {
    for (const step of FUNCTION_STEPS) {
      const m = stepMessage(step);
      assert.ok(validate(m), `${step}: ${ajv.errorsText(validators.get(m.type)?.errors)}`);
      assert.equal(m.dataschema, `urn:redis-reconfigure:schema:${m.type}`);
    }
    for (const e of [
      transition('EvictPod--rd-0', 'True'),
      transition('Successful', 'True'),
      transition('Failed', 'False'),
    ])
      assert.ok(validate(e), e.type);
    const look = newRolloutMessage(
      {
        version: 1,
        clusterId: 'c1',
        namespace: 'fleet',
        name: 'raise',
        reason: 'look',
        lookAt: new Date().toISOString(),
        traceId: 't',
      },
      'urn:t',
    );
    assert.ok(validate(look), ajv.errorsText(validators.get(look.type)?.errors));
    assert.equal(look.dataschema, `urn:redis-reconfigure:schema:${look.type}`);
    for (const type of ROLLOUT_EVENT_TYPES) {
      const e = rolloutEvent(
        { clusterId: 'c1', namespace: 'fleet', name: 'raise', uid: 'u-1' },
        { type, id: `raise-${type}`, wave: 1, message: `${type}.` },
      );
      assert.ok(validate(e), `${type}: ${ajv.errorsText(validators.get(e.type)?.errors)}`);
      assert.equal(e.dataschema, `urn:redis-reconfigure:schema:${e.type}`);
    }
  });

  it('refuse what zod refuses: an unknown data field, a wrong type, restart-pod without its pod', () => {
    const m = stepMessage('halt');
    assert.equal(validate({ ...m, data: { ...m.data, password: 'x' } }), false);
    assert.equal(
      validators.get('io.redis-reconfigure.step.halt.v1')!({ ...m, type: 'io.redis-reconfigure.step.resume.v1' }),
      false,
    );
    const r = stepMessage('restart-pod');
    const { pod: _pod, ...withoutPod } = r.data;
    assert.equal(validate({ ...r, data: withoutPod }), false);
    const started = rolloutEvent(
      { clusterId: 'c1', namespace: 'fleet', name: 'raise', uid: 'u-1' },
      { type: 'Started', id: 'raise-started', message: 'Started.' },
    );
    assert.equal(validate({ ...started, data: { ...started.data, transition: 'Completed' } }), false);
    const outcome = transition('Successful', 'True');
    assert.equal(
      validate({ ...outcome, data: { ...outcome.data, condition: { type: 'EvictPod--rd-0', status: 'True' } } }),
      false,
    );
  });
});

describe('CloudEvents extension attributes', () => {
  const base = stepMessage('halt');
  it('are accepted on step messages and transition events: tracing, and any validly named extension', () => {
    const withExtensions = { ...base, partitionkey: 'demo', comexampleext1: 42, sampledrate: true };
    assert.deepEqual(parseStepMessage(JSON.stringify(withExtensions)).partitionkey, 'demo');
    assert.ok(validate(withExtensions));
    const event = { ...transition('RestartPods', 'True'), traceparent, tracestate: 'a=b' };
    assert.equal(transitionEventSchema.parse(event).traceparent, traceparent);
    assert.ok(validate(event));
  });

  it('are refused with a bad name, a non-scalar value or a malformed traceparent, by zod and by the schema alike', () => {
    for (const bad of [
      { 'Trace-Parent': 'x' },
      { averyveryverylongextensionname: 'x' },
      { comexample: { nested: true } },
      { comexample: 1.5 },
      { traceparent: 'not-a-traceparent' },
    ]) {
      const event = { ...base, ...bad };
      assert.throws(() => parseStepMessage(JSON.stringify(event)), InvalidMessageError, JSON.stringify(bad));
      assert.equal(validate(event), false, JSON.stringify(bad));
    }
  });
});
