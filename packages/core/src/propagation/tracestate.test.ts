import { ROOT_CONTEXT, trace, type TextMapPropagator } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DiagnosticCode } from '../diagnostics.js';
import { contextToFields, extractFrom, fieldsGetter } from './propagation.js';
import { parseTraceState, W3CTraceState } from './tracestate.js';

const TP = '00-12345678901234567890123456789012-1234567890123456-00';
const members = (prefix: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${String(from + i).padStart(2, '0')}=${String(from + i).padStart(2, '0')}`).join(',');

// The tracestate cases of the W3C Trace Context test suite (test/test.py, Level 2 grammar), as
// header lists (several headers of one name are combined with ","): kept means every member is
// inherited in order, null means the whole list is discarded.
const CASES: Array<{ name: string; headers: string[]; kept: string | null }> = [
  { name: 'two members', headers: ['foo=1,bar=2'], kept: 'foo=1,bar=2' },
  { name: 'an empty header', headers: [''], kept: '' },
  { name: 'an empty header after a member', headers: ['foo=1', ''], kept: 'foo=1' },
  { name: 'an empty header before a member', headers: ['', 'foo=1'], kept: 'foo=1' },
  { name: 'three headers combined in order', headers: ['foo=1,bar=2', 'rojo=1,congo=2', 'baz=3'], kept: 'foo=1,bar=2,rojo=1,congo=2,baz=3' },
  { name: 'a repeated key keeps its first value', headers: ['foo=1', 'foo=2'], kept: 'foo=1' },
  { name: 'white space around members', headers: ['foo=1 \t , \t bar=2, \t baz=3'], kept: 'foo=1,bar=2,baz=3' },
  { name: 'white space around the value', headers: ['\t foo=1 \t'], kept: 'foo=1' },
  { name: 'every allowed character', headers: ['abcdefghijklmnopqrstuvwxyz0123456789_-*/@a-z0-9_-*/= !"#$%&\'()*+-./0123456789:;<>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~'], kept: 'abcdefghijklmnopqrstuvwxyz0123456789_-*/@a-z0-9_-*/= !"#$%&\'()*+-./0123456789:;<>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~' },
  { name: 'a key ending in @', headers: ['foo@=1,bar=2'], kept: 'foo@=1,bar=2' },
  { name: 'a key with @@', headers: ['foo@@bar=1,bar=2'], kept: 'foo@@bar=1,bar=2' },
  { name: 'a key with two @', headers: ['foo@bar@baz=1,bar=2'], kept: 'foo@bar@baz=1,bar=2' },
  { name: 'a key starting with @', headers: ['@foo=1,bar=2'], kept: null },
  { name: 'a key with a space', headers: ['foo =1'], kept: null },
  { name: 'an upper-case key', headers: ['FOO=1'], kept: null },
  { name: 'a key with a dot', headers: ['foo.bar=1'], kept: null },
  { name: '32 members over four headers', headers: [members('bar', 1, 10), members('bar', 11, 20), members('bar', 21, 30), members('bar', 31, 32)], kept: members('bar', 1, 32) },
  { name: '33 members over four headers', headers: [members('bar', 1, 10), members('bar', 11, 20), members('bar', 21, 30), members('bar', 31, 33)], kept: null },
  { name: 'a key of 256 characters', headers: ['foo=1', `${'z'.repeat(256)}=1`], kept: `foo=1,${'z'.repeat(256)}=1` },
  { name: 'a key of 257 characters', headers: ['foo=1', `${'z'.repeat(257)}=1`], kept: null },
  { name: 'a tenant of 241 and a system of 14', headers: ['foo=1', `${'t'.repeat(241)}@${'v'.repeat(14)}=1`], kept: `foo=1,${'t'.repeat(241)}@${'v'.repeat(14)}=1` },
  { name: 'a system of 15', headers: ['foo=1', `t@${'v'.repeat(15)}=1`], kept: `foo=1,t@${'v'.repeat(15)}=1` },
  { name: 'a value with "="', headers: ['foo=bar=baz'], kept: null },
  { name: 'an empty value', headers: ['foo=,bar=3'], kept: null },
  { name: 'a member without "="', headers: ['foo'], kept: null },
  { name: 'a value ending in a space (inside the list)', headers: ['foo=1 x ,bar=2'], kept: 'foo=1 x,bar=2' },
  { name: 'over 512 characters', headers: [`a=${'x'.repeat(256)}`, `b=${'x'.repeat(256)}`], kept: null },
];

function extract(headers: string[], propagator?: TextMapPropagator) {
  const codes: DiagnosticCode[] = [];
  const carrier = { traceparent: TP, tracestate: headers.length === 1 ? headers[0]! : headers };
  const getter = { get: (c: typeof carrier, key: string) => (key === 'traceparent' ? c.traceparent : key === 'tracestate' ? c.tracestate : undefined), keys: () => ['traceparent', 'tracestate'] };
  const context = extractFrom(ROOT_CONTEXT, carrier, getter, propagator, (code) => void codes.push(code));
  return { spanContext: trace.getSpanContext(context), codes };
}

describe('tracestate, read whole or discarded whole (W3C test suite cases)', () => {
  it.each(CASES)('$name', ({ headers, kept }) => {
    const parsed = parseTraceState(headers.join(','));
    expect(parsed.ok).toBe(kept !== null);
    if (parsed.ok) expect(parsed.state.serialize()).toBe(kept);
    // Through extraction (the stock fast path, and the propagator's own path with a padded traceparent).
    for (const propagator of [undefined, new W3CTraceContextPropagator()]) {
      const { spanContext, codes } = extract(headers, propagator);
      expect(spanContext?.spanId).toBe('1234567890123456');
      expect(spanContext?.traceState?.serialize()).toBe(kept === null || kept === '' ? undefined : kept);
      expect(codes).toEqual(kept === null ? ['context-dropped'] : []);
    }
  });

  it('judges a tracestate beside a traceparent the propagator parses itself (not canonical) the same way', () => {
    const codes: DiagnosticCode[] = [];
    const context = extractFrom(ROOT_CONTEXT, { traceparent: ` ${TP}\t`, tracestate: 'foo@=1,bar=2' }, fieldsGetter, undefined, (code) => void codes.push(code));
    expect(trace.getSpanContext(context)?.traceState?.serialize()).toBe('foo@=1,bar=2');
    const dropped = extractFrom(ROOT_CONTEXT, { traceparent: ` ${TP}\t`, tracestate: '@foo=1,bar=2' }, fieldsGetter, undefined, (code) => void codes.push(code));
    expect(trace.getSpanContext(dropped)?.spanId).toBe('1234567890123456');
    expect(trace.getSpanContext(dropped)?.traceState).toBeUndefined();
    expect(codes).toEqual(['context-dropped']);
  });

  it('keeps every member of a generated valid list, in order, and discards it whole when one member breaks the grammar', () => {
    const keyChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789_-*/@');
    const key = fc.tuple(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), fc.string({ unit: keyChar, maxLength: 12 })).map(([first, rest]) => first + rest);
    const valueChar = fc.integer({ min: 0x20, max: 0x7e }).filter((c) => c !== 0x2c && c !== 0x3d).map((c) => String.fromCharCode(c));
    const value = fc.tuple(fc.string({ unit: valueChar, maxLength: 8 }), valueChar.filter((c) => c !== ' ')).map(([rest, last]) => rest + last);
    const list = fc.uniqueArray(fc.tuple(key, value), { minLength: 1, maxLength: 20, selector: ([k]) => k });
    fc.assert(
      fc.property(list, fc.nat(), fc.constantFrom('@x', 'X', 'a b', 'a=b=c', 'a=', '='), (entries, at, bad) => {
        const text = entries.map(([k, v]) => `${k}=${v}`).join(',');
        const parsed = parseTraceState(text);
        expect(parsed.ok && parsed.state.serialize()).toBe(text);
        const broken = [...entries.map(([k, v]) => `${k}=${v}`)];
        broken.splice(at % (broken.length + 1), 0, bad.includes('=') ? bad : `${bad}=1`);
        expect(parseTraceState(broken.join(',')).ok).toBe(false);
      }),
      { numRuns: 2_000 },
    );
  });

  it('sets a member first and unsets one, as a vendor updating its entry does', () => {
    const state = new W3CTraceState([['a', '1'], ['b', '2']]);
    expect(state.set('b', '3').serialize()).toBe('b=3,a=1');
    expect(state.unset('a').serialize()).toBe('b=2');
    expect(state.get('b')).toBe('2');
    expect(state.serialize()).toBe('a=1,b=2');
  });

  it('does not send an outgoing tracestate a W3C reader would discard, and says so', () => {
    const codes: DiagnosticCode[] = [];
    const spanContext = { traceId: '12345678901234567890123456789012', spanId: '1234567890123456', traceFlags: 1, traceState: new W3CTraceState([['@bad', '1']]) };
    const fields = contextToFields(trace.setSpanContext(ROOT_CONTEXT, spanContext), undefined, (code) => void codes.push(code));
    expect(fields).toEqual({ traceparent: '00-12345678901234567890123456789012-1234567890123456-01' });
    expect(codes).toEqual(['context-dropped']);
    const valid = contextToFields(trace.setSpanContext(ROOT_CONTEXT, { ...spanContext, traceState: new W3CTraceState([['foo@', '1']]) }), undefined);
    expect(valid.tracestate).toBe('foo@=1');
  });
});
