import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { describe, expect, it, vi } from 'vitest';
import { readIncoming } from '../../pipeline/incoming.js';
import { consumerCarriers } from '../../pipeline/modes.js';
import { DEFAULT_LIMITS } from '../../limits.js';
import fc from 'fast-check';
import { readHeader, valuesOf } from '../../headers/kafka-headers.js';
import { headerList, headerRecord, keyText, outgoingHeaders, serializerForm } from './headers.js';
import { bytesOrText, carriedMessage, handedValue, PltIncoming } from './message.js';

const TP1 = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const TP2 = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const OWNED = ['traceparent', 'tracestate', 'baggage'];
const BUFFERS = { key: 'buffer', value: 'buffer' } as const;
const STRINGS = { key: 'string', value: 'string' } as const;

function received(entries: Array<[unknown, unknown]>, value: unknown = Buffer.from('{"id":1}')) {
  return { topic: 'orders', partition: 2, offset: 41n, key: Buffer.from('k'), value, headers: new Map(entries), headerEntries: entries };
}

function read(entries: Array<[unknown, unknown]>, sink = vi.fn()) {
  const incoming = new PltIncoming(received(entries));
  return { read: readIncoming(incoming, { carriers: consumerCarriers('auto', undefined), propagator: new W3CTraceContextPropagator(), limits: DEFAULT_LIMITS }, sink), sink };
}

describe('headerList: received headers in core list shape', () => {
  it('keeps every entry in order, Buffer keys decoded, values as they are', () => {
    const bytes = Buffer.from([0xff, 0x00]);
    expect(headerList([[Buffer.from('a'), Buffer.from('1')], ['b', 'two'], [Buffer.from('a'), bytes]])).toEqual([{ a: Buffer.from('1') }, { b: 'two' }, { a: bytes }]);
  });

  it('reads a Map and a record alike, and keeps null values and a __proto__ key as headers', () => {
    const list = headerList(new Map<unknown, unknown>([['x', null], ['__proto__', 'p']]));
    expect(list).toHaveLength(2);
    expect(Object.hasOwn(list?.[1] ?? {}, '__proto__')).toBe(true);
    expect(headerList({ a: 'b' })).toEqual([{ a: 'b' }]);
    expect(headerList(undefined)).toBeUndefined();
  });

  it('leaves out keys that are neither text nor bytes (a custom deserializer)', () => {
    expect(headerList([[{ not: 'a key' }, 'v'], ['k', { an: 'object' }]])).toEqual([{ k: { an: 'object' } }]);
    expect(keyText(7)).toBeUndefined();
  });
});

describe('headerRecord: received headers in core record shape, one object per message', () => {
  it('maps each key to its value, a repeated key to its values in order', () => {
    const bytes = Buffer.from([0xff, 0x00]);
    expect(headerRecord([[Buffer.from('a'), Buffer.from('1')], ['b', 'two'], [Buffer.from('a'), bytes], ['a', null]])).toEqual({ a: [Buffer.from('1'), bytes, null], b: 'two' });
    expect(headerRecord(undefined)).toBeUndefined();
    expect(headerRecord([[{ not: 'a key' }, 'v']])).toEqual({});
  });

  it('keeps a __proto__ key as a header, once or repeated, and never as the prototype', () => {
    const once = headerRecord([['__proto__', 'p']])!;
    expect(Object.getPrototypeOf(once)).toBe(Object.prototype);
    expect(readHeader(once, '__proto__')).toBe('p');
    const twice = headerRecord([['__proto__', 'p'], ['__proto__', 'q']])!;
    expect(Object.getPrototypeOf(twice)).toBe(Object.prototype);
    expect(valuesOf(twice, '__proto__')).toEqual(['p', 'q']);
  });

  it('reads as the list shape does: every key, every value, the same single value (property)', () => {
    const key = fc.constantFrom('traceparent', 'tracestate', 'baggage', 'ce_id', '__proto__', 'constructor', 'x');
    const value = fc.oneof(fc.string(), fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b)), fc.constant(null));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(key, key.map((k) => Buffer.from(k))), value), { maxLength: 8 }), (entries) => {
        const list = headerList(entries)!;
        const record = headerRecord(entries)!;
        for (const name of ['traceparent', 'tracestate', 'baggage', 'ce_id', '__proto__', 'constructor', 'x', 'absent']) {
          expect(valuesOf(record, name)).toEqual(valuesOf(list, name));
          expect(readHeader(record, name)).toEqual(readHeader(list, name));
        }
      }),
    );
  });
});

describe('reading a received message with the W3C rules', () => {
  it('reads a Buffer-keyed, Buffer-valued traceparent (the default deserializers)', () => {
    const { read: r } = read([[Buffer.from('traceparent'), Buffer.from(TP1)]]);
    expect(r.carrier).toBe('headers');
    expect(trace.getSpanContext(r.context)?.spanId).toBe('b7ad6b7169203331');
  });

  it('reads string keys and values (stringDeserializers)', () => {
    expect(trace.getSpanContext(read([['traceparent', TP2]]).read.context)?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('a repeated identical traceparent in headerEntries is one context', () => {
    const { read: r, sink } = read([[Buffer.from('traceparent'), Buffer.from(TP1)], [Buffer.from('traceparent'), Buffer.from(TP1)]]);
    expect(r.carrier).toBe('headers');
    expect(sink).not.toHaveBeenCalled();
  });

  it('repeated disagreeing traceparents are not guessed between: a new trace linked to both', () => {
    // The Map would keep only the last: headerEntries keeps both, as the W3C rule needs.
    const { read: r, sink } = read([[Buffer.from('traceparent'), Buffer.from(TP1)], [Buffer.from('traceparent'), Buffer.from(TP2)]]);
    expect(r.carrier).toBe('none');
    expect(r.candidates?.map((c) => c.spanId).sort()).toEqual(['00f067aa0ba902b7', 'b7ad6b7169203331']);
    expect(sink).toHaveBeenCalledWith('conflicting-header-values', expect.any(String), expect.objectContaining({ field: 'traceparent' }));
  });

  it('a null or non-UTF-8 traceparent is no context and is reported, never thrown', () => {
    expect(read([['traceparent', null]]).read.carrier).toBe('none');
    const { read: r, sink } = read([['traceparent', Buffer.from([0xff, 0xfe, 0x00])]]);
    expect(r.carrier).toBe('none');
    expect(sink).toHaveBeenCalledWith('non-utf8-header', expect.any(String), expect.anything());
  });

  it('gives the offset as text and hides a deserialized object value from the carriers', () => {
    const incoming = new PltIncoming(received([], { id: 1 }));
    expect(incoming.offset).toBe('41');
    expect(incoming.value).toBeUndefined();
    expect(bytesOrText('x')).toBe('x');
  });
});

describe('outgoingHeaders: the caller shape, the serializers form, the caller untouched', () => {
  const fields = { traceparent: TP1 };

  it('a Map stays a Map with Buffer keys and values for the default serializers; a stale context is replaced', () => {
    const caller = new Map<unknown, unknown>([[Buffer.from('x-app'), Buffer.from('a')], [Buffer.from('traceparent'), Buffer.from(TP2)]]);
    const out = outgoingHeaders(caller, fields, OWNED, BUFFERS) as Map<Buffer, Buffer>;
    expect(out).toBeInstanceOf(Map);
    expect(out).not.toBe(caller);
    expect([...out].map(([k, v]) => [k.toString(), v.toString()])).toEqual([['x-app', 'a'], ['traceparent', TP1]]);
    expect([...out.keys()].every((key) => Buffer.isBuffer(key))).toBe(true);
    expect(caller.size).toBe(2);
    expect((caller.get([...caller.keys()][1]) as Buffer).toString()).toBe(TP2);
  });

  it('a record stays a record with string values for string serializers, and keeps a __proto__ header', () => {
    const caller = JSON.parse('{"__proto__":"p","x":"1","traceparent":"old"}') as Record<string, unknown>;
    const snapshot = JSON.stringify(caller);
    const out = outgoingHeaders(caller, fields, OWNED, STRINGS) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'x', 'traceparent']);
    expect(out['traceparent']).toBe(TP1);
    expect(JSON.stringify(caller)).toBe(snapshot);
  });

  it('no headers: a Map of the fields only, or nothing at all', () => {
    expect([...(outgoingHeaders(undefined, fields, OWNED, STRINGS) as Map<string, string>)]).toEqual([['traceparent', TP1]]);
    expect(outgoingHeaders(undefined, undefined, OWNED, BUFFERS)).toBeUndefined();
  });

  it('the context in the value: stale propagation headers still go, other headers stay', () => {
    const out = outgoingHeaders({ traceparent: 'old', keep: 'me' }, undefined, OWNED, STRINGS);
    expect(out).toEqual({ keep: 'me' });
  });
});

describe('serializerForm', () => {
  it('the default (none) takes Buffers, a UTF-8 string encoder takes strings, a JSON encoder neither', () => {
    expect(serializerForm(undefined)).toBe('buffer');
    expect(serializerForm((data?: unknown) => (typeof data === 'string' ? Buffer.from(data) : undefined))).toBe('string');
    expect(serializerForm((data?: unknown) => (Buffer.isBuffer(data) ? data : undefined))).toBe('buffer');
    expect(serializerForm((data?: unknown) => Buffer.from(JSON.stringify(data)))).toBeUndefined();
    expect(
      serializerForm(() => {
        throw new Error('no');
      }),
    ).toBeUndefined();
  });
});

describe('carriedMessage and handedValue', () => {
  it('copies the message, puts an envelope in the value serializer form, never touches the caller', () => {
    const message = { topic: 'orders', value: '{"id":1}', headers: { a: 'b' } };
    const carry = { headerFields: undefined, value: Buffer.from('{"tracecarrier":1}'), enveloped: true };
    const out = carriedMessage(message, carry, OWNED, { ...STRINGS, payload: 'string' });
    expect(out).toEqual({ topic: 'orders', value: '{"tracecarrier":1}', headers: { a: 'b' } });
    expect(out.headers).not.toBe(message.headers);
    expect(message.value).toBe('{"id":1}');
    expect(carriedMessage({ topic: 't', value: Buffer.from('v') }, { headerFields: undefined, value: Buffer.from('v'), enveloped: false }, OWNED, { ...BUFFERS, payload: 'buffer' })).not.toHaveProperty('headers');
  });

  it('hands an unwrapped payload over as text when the deserializer gave text', () => {
    expect(handedValue('{"tracecarrier":1}', Buffer.from('{"id":1}'))).toBe('{"id":1}');
    expect(handedValue(Buffer.from('x'), Buffer.from('{"id":1}'))).toEqual(Buffer.from('{"id":1}'));
  });
});

describe('reading gives the context only from a valid span context', () => {
  it('ROOT_CONTEXT when there are no headers at all', () => {
    const incoming = new PltIncoming({ topic: 't', partition: 0, offset: 0n, value: undefined, headers: new Map() });
    const r = readIncoming(incoming, { carriers: consumerCarriers('auto', undefined), propagator: undefined, limits: DEFAULT_LIMITS }, vi.fn());
    expect(r.context).toBe(ROOT_CONTEXT);
  });
});
