import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatProbeReport } from './format-report.ts';
import type { ProbeReport } from './types.ts';

describe('formatProbeReport', () => {
  it('prints totals, then one line per target with its windows and their causes', () => {
    const report: ProbeReport = {
      writesAttempted: 110,
      writesAcknowledged: 100,
      writesFailed: 10,
      longestUnavailableMs: 812.4,
      totalUnavailableMs: 812.4,
      windows: [{ startMs: 1203.2, endMs: 2015.6, target: '{t1}', cause: 'Connection is closed.' }],
      lostAcknowledgedWrites: 0,
      perTarget: {
        '{t0}': { longestUnavailableMs: 0, totalUnavailableMs: 0, failed: 0 },
        '{t1}': { longestUnavailableMs: 812.4, totalUnavailableMs: 812.4, failed: 10 },
      },
      clientErrorEvents: 3,
    };
    assert.equal(
      formatProbeReport(report),
      [
        'writes 100 acked / 10 failed of 110 · unavailable longest 812 ms, total 812 ms · lost acked writes 0',
        '  {t0}  longest 0 ms  total 0 ms  failed 0',
        '  {t1}  longest 812 ms  total 812 ms  failed 10  windows ms 1203–2016 (Connection is closed.)',
      ].join('\n'),
    );
  });
});
