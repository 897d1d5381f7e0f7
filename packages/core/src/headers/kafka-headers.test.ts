import { describe, expect, it, vi } from 'vitest';
import { hasAnyHeader, headerKeys, readHeader, valuesOf, withHeaderListFields, withHeaderRecordFields, type HeaderList, type HeaderRecord } from './kafka-headers.js';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('readHeader', () => {
  it('reads string and UTF-8 Buffer values from the record shape', () => {
    const headers: HeaderRecord = { a: 'text', b: Buffer.from('bytes ✓') };
    expect(readHeader(headers, 'a')).toBe('text');
    expect(readHeader(headers, 'b')).toBe('bytes ✓');
    expect(readHeader(headers, 'missing')).toBeUndefined();
  });

  it('reads the list-of-entries shape of node-rdkafka', () => {
    const headers: HeaderList = [{ x: 'one' }, { traceparent: Buffer.from(TRACEPARENT) }];
    expect(readHeader(headers, 'traceparent')).toBe(TRACEPARENT);
    expect(headerKeys(headers)).toEqual(['x', 'traceparent']);
  });

  it('skips null and undefined values', () => {
    expect(readHeader({ a: null, b: undefined }, 'a')).toBeUndefined();
    expect(readHeader({ a: [null, 'x', undefined] }, 'a')).toBe('x');
    expect(readHeader([{ a: null }], 'a')).toBeUndefined();
  });

  it('picks the last non-null value of a repeated header and reports the conflict once', () => {
    const sink = vi.fn();
    expect(readHeader({ a: ['first', Buffer.from('second'), null] }, 'a', sink)).toBe('second');
    expect(sink).toHaveBeenCalledTimes(1);
    expect(sink.mock.calls[0]?.[0]).toBe('conflicting-header-values');
    expect(readHeader([{ a: 'first' }, { b: 'x' }, { a: 'last' }], 'a')).toBe('last');
  });

  it('does not report repeated identical values', () => {
    const sink = vi.fn();
    expect(readHeader({ a: ['same', Buffer.from('same')] }, 'a', sink)).toBe('same');
    expect(sink).not.toHaveBeenCalled();
  });

  it('ignores and reports bytes that are not UTF-8', () => {
    const sink = vi.fn();
    expect(readHeader({ traceparent: Buffer.from([0xff, 0xfe, 0x00, 0xc3]) }, 'traceparent', sink)).toBeUndefined();
    expect(sink).toHaveBeenCalledWith('non-utf8-header', expect.stringContaining('traceparent'), { field: 'traceparent' });
  });

  it('does not read inherited properties as headers', () => {
    expect(readHeader({}, 'toString')).toBeUndefined();
    expect(readHeader({}, '__proto__')).toBeUndefined();
  });
});

describe('withHeaderRecordFields', () => {
  it('returns a copy, keeps other headers in order and bytes, and never mutates the input', () => {
    const bytes = Buffer.from([1, 2, 3]);
    const headers: HeaderRecord = { first: 'a', bin: bytes, last: ['x', 'y'] };
    const snapshot = { ...headers };
    const out = withHeaderRecordFields(headers, { traceparent: TRACEPARENT }, ['traceparent', 'tracestate']);
    expect(out).not.toBe(headers);
    expect(headers).toStrictEqual(snapshot);
    expect(Object.keys(headers)).toEqual(['first', 'bin', 'last']);
    expect(Object.keys(out)).toEqual(['first', 'bin', 'last', 'traceparent']);
    expect(out.bin).toBe(bytes);
  });

  it('replaces owned keys on a second injection instead of duplicating them', () => {
    const once = withHeaderRecordFields({ a: '1' }, { traceparent: 'old', tracestate: 'k=v' }, ['traceparent', 'tracestate']);
    const twice = withHeaderRecordFields(once, { traceparent: 'new' }, ['traceparent', 'tracestate']);
    expect(twice).toEqual({ a: '1', traceparent: 'new' });
  });

  it('keeps a header named __proto__ as a header', () => {
    const headers = JSON.parse('{"__proto__":"x","a":"1"}') as HeaderRecord;
    const out = withHeaderRecordFields(headers, { traceparent: 't' }, []);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'a', 'traceparent']);
  });
});

describe('withHeaderListFields', () => {
  it('drops owned entries, keeps the rest in order, appends the fields, and copies', () => {
    const headers: HeaderList = [{ a: '1' }, { traceparent: 'old' }, { b: Buffer.from('2') }];
    const out = withHeaderListFields(headers, { traceparent: 'new' }, ['traceparent']);
    expect(out).toEqual([{ a: '1' }, { b: Buffer.from('2') }, { traceparent: 'new' }]);
    expect(headers).toHaveLength(3);
    expect(withHeaderListFields(out, { traceparent: 'newer' }, ['traceparent']).filter((entry) => 'traceparent' in entry)).toHaveLength(1);
  });
});

describe('hasAnyHeader', () => {
  const keys = ['content-type', 'ce_specversion', 'ce_id'];
  const names = ['traceparent', 'content-type', 'ce_id', 'ce_specversion', 'ce_source', 'x-app', '__proto__', 'constructor'];
  const values: unknown[] = ['v', Buffer.from('v'), null, undefined];

  it('agrees with looking each key up, for generated header lists and records', () => {
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 2000; round++) {
      const list: Array<Record<string, unknown>> = [];
      const record: Record<string, unknown> = Object.create(null);
      for (let entry = next(5); entry > 0; entry--) {
        const one: Record<string, unknown> = {};
        for (let key = next(3); key >= 0; key--) {
          const name = names[next(names.length)] as string;
          Object.defineProperty(one, name, { value: values[next(values.length)], enumerable: true, configurable: true, writable: true });
          record[name] = one[name];
        }
        list.push(one);
      }
      const lookedUp = (headers: HeaderList | HeaderRecord) => keys.some((key) => valuesOf(headers, key).length > 0);
      expect(hasAnyHeader(list as HeaderList, keys)).toBe(lookedUp(list as HeaderList));
      expect(hasAnyHeader(record as HeaderRecord, keys)).toBe(lookedUp(record as HeaderRecord));
    }
  });

  it('does not take inherited keys or non-object entries for headers', () => {
    const inherited = Object.create({ 'content-type': 'application/cloudevents+json' }) as Record<string, unknown>;
    inherited['traceparent'] = 'x';
    expect(hasAnyHeader([inherited] as HeaderList, keys)).toBe(false);
    expect(hasAnyHeader([null, 'content-type', { ce_id: null }] as unknown as HeaderList, keys)).toBe(true);
    expect(hasAnyHeader([] as HeaderList, keys)).toBe(false);
  });
});
