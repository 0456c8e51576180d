/** The project's logger: JSON lines, levels, child loggers' correlation fields, the one error serialiser. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger, errorFields, serializeError, type LogLevel } from './logging.ts';

function capture(minLevel?: LogLevel) {
  const lines: Array<{ level: LogLevel; record: Record<string, unknown> }> = [];
  const log = createLogger({
    base: { fn: 'halt' },
    ...(minLevel !== undefined ? { minLevel } : {}),
    now: () => new Date('2026-01-01T00:00:00Z'),
    sink: (level, line) => lines.push({ level, record: JSON.parse(line) as Record<string, unknown> }),
  });
  return { log, lines };
}

void describe('createLogger', () => {
  void it('writes one JSON object per line with time, level, msg, its base and the fields; drops lines below minLevel', () => {
    const { log, lines } = capture('info');
    log.debug('hidden');
    log.info('hello', { pod: 'rd-0' });
    assert.deepEqual(lines, [
      {
        level: 'info',
        record: { time: '2026-01-01T00:00:00.000Z', level: 'info', msg: 'hello', fn: 'halt', pod: 'rd-0' },
      },
    ]);
  });

  void it("gives a child's lines its correlation fields, and a grandchild's its own on top", () => {
    const { log, lines } = capture();
    const child = log.child({ clusterId: 'c', opsRequest: 'rd', attempt: 1 });
    child.child({ pod: 'rd-1', attempt: 2 }).warn('w');
    assert.deepEqual(lines[0]?.record, {
      time: '2026-01-01T00:00:00.000Z',
      level: 'warn',
      msg: 'w',
      fn: 'halt',
      clusterId: 'c',
      opsRequest: 'rd',
      attempt: 2,
      pod: 'rd-1',
    });
  });

  void it('writes an Error in the fields by name, message and code', () => {
    const { log, lines } = capture();
    log.error('failed', { err: Object.assign(new Error('boom'), { code: 'ECONNRESET' }) });
    assert.deepEqual(lines[0]?.record.err, { name: 'Error', message: 'boom', code: 'ECONNRESET' });
  });
});

void describe('serializeError', () => {
  void it("keeps a Kubernetes API error's status code, reason and message, not the whole response", () => {
    const api = Object.assign(new Error('HTTP-Code: 409 Message: … headers …'), {
      code: 409,
      body: JSON.stringify({ kind: 'Status', reason: 'Conflict', message: 'the object has been modified' }),
    });
    assert.deepEqual(serializeError(api), {
      name: 'Error',
      message: 'HTTP 409 Conflict: the object has been modified',
      code: 409,
    });
    assert.deepEqual(errorFields('text'), { error: 'text', errorName: 'NonError' });
  });
});
