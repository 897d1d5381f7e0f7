import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BatchIndex } from './batch-index.js';

describe('BatchIndex', () => {
  it('finds each message by itself or its alias, in any order, as a Map would', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.array(fc.nat(40), { maxLength: 80 }), fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }), (size, lookups, aliased) => {
        const messages = Array.from({ length: size }, (_, n) => ({ n }));
        const aliases = messages.map((message, n) => (aliased[n] === true ? { copyOf: n } : message));
        const index = new BatchIndex<object, number>();
        const map = new Map<object, number>();
        messages.forEach((message, n) => {
          index.add(message, n, aliases[n]);
          map.set(message, n);
          map.set(aliases[n] as object, n);
        });
        // In order first (the usual case), then anything: positions past the batch are unknown objects.
        const keys = [...messages, ...lookups.map((k) => (k % 2 === 0 ? messages[k >> 1] : aliases[k >> 1]) ?? { unknown: k })];
        for (const key of keys) expect(index.get(key)).toBe(map.get(key));
        expect([...index.entries()]).toEqual(messages.flatMap((message, n) => (aliases[n] === message ? [[message, n]] : [[message, n], [aliases[n], n]])));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps finding entries added after a lookup out of order', () => {
    const [a, b, c] = [{}, {}, {}];
    const index = new BatchIndex<object, string>();
    index.add(a, 'a');
    index.add(b, 'b');
    expect(index.get(b)).toBe('b');
    index.add(c, 'c');
    expect(index.get(a)).toBe('a');
    expect(index.get(c)).toBe('c');
    expect(index.get({})).toBeUndefined();
  });
});
