import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundedName, eventObjectName, LABEL_VALUE_MAX, labelValue } from './names.ts';

// apimachinery validation.IsValidLabelValue: at most 63, empty or alphanumeric at both ends, [-_.A-Za-z0-9] inside.
const isValidLabelValue = (v: string): boolean =>
  v.length <= 63 && (v === '' || /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(v));
// validation.IsDNS1123Subdomain: at most 253, lower-case alphanumerics, '-' and '.', alphanumeric at both ends.
const isDnsSubdomain = (v: string): boolean => v.length <= 253 && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(v);

void describe('labelValue', () => {
  void it('keeps a valid value as it is', () => {
    for (const v of ['', 'rdops-reconfigure', 'a', 'A.b_c-9', 'x'.repeat(63)]) assert.equal(labelValue(v), v);
  });

  void it('turns any ops request name (a DNS subdomain up to 253) into a valid, deterministic, distinct label value', () => {
    const long = `${'reconfigure-'.repeat(20)}z`;
    const names = [
      long,
      `${long}2`,
      `${'a'.repeat(51)}-.b${'c'.repeat(30)}`,
      `${'a'.repeat(52)}.${'b'.repeat(20)}`,
      'x'.repeat(64),
      'x'.repeat(253),
    ];
    const values = names.map(labelValue);
    for (const [i, v] of values.entries()) {
      assert.ok(isValidLabelValue(v), `${names[i]} → ${v}`);
      assert.equal(v.length <= LABEL_VALUE_MAX, true);
      assert.equal(labelValue(names[i] ?? ''), v, 'deterministic');
    }
    assert.equal(new Set(values).size, values.length, 'distinct names give distinct values');
    assert.ok((values[0] ?? '').startsWith(long.slice(0, 40)), 'readable prefix kept');
  });

  void it('replaces characters a label value cannot hold', () => {
    for (const v of ['has space', '-leading', 'trailing.', 'ünïcode', '/'])
      assert.ok(isValidLabelValue(labelValue(v)), `${v} → ${labelValue(v)}`);
  });
});

void describe('boundedName', () => {
  void it('appends the suffix when it fits, else shortens the base with a hash so the name stays valid and distinct', () => {
    assert.equal(boundedName('rdops', '-rollback', 253), 'rdops-rollback');
    const base = `${'r'.repeat(243)}-x`; // 245 + 9 = 254: one too long, and a plain slice would end in '-'
    const a = boundedName(base, '-rollback', 253);
    const b = boundedName(`${base}y`, '-rollback', 253);
    for (const n of [a, b, boundedName('e'.repeat(253), '.0123456789ab', 253)]) assert.ok(isDnsSubdomain(n), n);
    assert.ok(a.endsWith('-rollback'));
    assert.notEqual(a, b);
    assert.equal(boundedName(base, '-rollback', 253), a);
  });
});

void describe('eventObjectName', () => {
  void it('is the same for the same event, differs per event, and is a valid name for any ops request name', () => {
    const short = eventObjectName('rdops', 'uid-1', 'PauseDatabase', 'Pausing Redis demo/rd');
    assert.match(short, /^rdops\.[0-9a-f]{12}$/);
    assert.equal(eventObjectName('rdops', 'uid-1', 'PauseDatabase', 'Pausing Redis demo/rd'), short);
    assert.notEqual(eventObjectName('rdops', 'uid-1', 'ResumeDatabase', 'Pausing Redis demo/rd'), short);
    for (const len of [240, 241, 250, 253]) {
      const name = eventObjectName('o'.repeat(len), 'uid', 'Successful', 'done');
      assert.ok(isDnsSubdomain(name), `${len} → ${name.length}`);
    }
  });
});
