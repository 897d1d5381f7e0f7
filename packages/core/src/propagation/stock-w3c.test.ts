import { ROOT_CONTEXT, propagation, trace, type Context, type TextMapGetter, type TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalTraceparent, canonicalTraceparentBytes, extractStock, stockW3C } from './stock-w3c.js';

const traceContext = new W3CTraceContextPropagator();
const composite = new CompositePropagator({ propagators: [traceContext, new W3CBaggagePropagator()] });
const fallback = new CompositePropagator({ propagators: [new W3CTraceContextPropagator()] });

type Fields = Record<string, string | string[] | undefined>;
const getter: TextMapGetter<Fields> = { get: (carrier, key) => carrier[key], keys: (carrier) => Object.keys(carrier) };

/** What a context holds that a propagator sets: the span context (with its trace state serialised) and baggage. */
function observable(context: Context) {
  const spanContext = trace.getSpanContext(context);
  return {
    spanContext: spanContext === undefined ? undefined : { ...spanContext, traceState: spanContext.traceState?.serialize() },
    baggage: propagation.getBaggage(context)?.getAllEntries().map(([key, entry]) => [key, entry.value, entry.metadata?.toString()]),
  };
}

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const canonical = fc.tuple(hex(32), hex(16), hex(2)).map(([t, s, f]) => `00-${t}-${s}-${f}`);
/**
 * Canonical values, then mutated: a character replaced (U+0130 and U+0161 end in the bytes of `0` and `a`),
 * inserted or removed, case changed, padded, other versions.
 */
const traceparents = fc.oneof(
  canonical,
  fc.tuple(canonical, fc.nat(54), fc.constantFrom('0', 'f', 'g', 'A', 'F', '-', ' ', '\t', '\n', '\u00a0', 'ÿ', '\u0130', '\u0161')).map(([text, at, c]) => text.slice(0, at) + c + text.slice(at + 1)),
  fc.tuple(canonical, fc.nat(55), fc.constantFrom('0', '-', ' ', 'x', '\n')).map(([text, at, c]) => text.slice(0, at) + c + text.slice(at)),
  fc.tuple(canonical, fc.nat(54)).map(([text, at]) => text.slice(0, at) + text.slice(at + 1)),
  canonical.map((text) => text.toUpperCase()),
  fc.tuple(canonical, fc.constantFrom(' ', '\t', '\n', '\r\n', '-', '-x', '-00')).map(([text, pad]) => `${text}${pad}`),
  fc.tuple(canonical, fc.constantFrom(' ', '\n', '\ufeff')).map(([text, pad]) => `${pad}${text}`),
  fc.tuple(canonical, fc.constantFrom('01', 'cc', 'ff', '0g')).map(([text, version]) => `${version}${text.slice(2)}`),
  fc.tuple(hex(16), hex(2)).map(([s, f]) => `00-${'0'.repeat(32)}-${s}-${f}`),
  fc.tuple(hex(32), hex(2)).map(([t, f]) => `00-${t}-${'0'.repeat(16)}-${f}`),
  fc.string(),
);
const fieldsArbitrary = fc.record(
  {
    traceparent: fc.oneof(traceparents, traceparents.map((text) => [text, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'])),
    tracestate: fc.oneof(fc.constantFrom('', 'a=1', 'a=1,b=2', 'bad state', 'x=1,,y=2'), fc.constantFrom(['a=1', 'b=2'])),
    baggage: fc.constantFrom('', 'tenant=acme', 'a=1,b=2;p', 'broken=%'),
  },
  { requiredKeys: [] },
);

afterEach(() => propagation.disable());

describe('the stock W3C fast path', () => {
  it('accepts only what the propagator accepts, with the same span context', () => {
    fc.assert(
      fc.property(traceparents, (text) => {
        const fast = canonicalTraceparent(text);
        if (fast === undefined) return;
        expect(observable(trace.setSpanContext(ROOT_CONTEXT, fast))).toEqual(observable(traceContext.extract(ROOT_CONTEXT, { traceparent: text }, getter)));
      }),
      { numRuns: 5000 },
    );
  });

  it('reads bytes exactly as it reads their UTF-8 text', () => {
    // The same values as bytes, and raw bytes around the canonical form (non-ASCII, invalid UTF-8).
    const bytes = fc.oneof(
      traceparents.map((text) => Buffer.from(text)),
      fc.tuple(canonical, fc.nat(54), fc.integer({ min: 0, max: 255 })).map(([text, at, byte]) => {
        const raw = Buffer.from(text);
        raw[at] = byte;
        return raw;
      }),
    );
    fc.assert(
      fc.property(bytes, (raw) => {
        expect(canonicalTraceparentBytes(raw)).toEqual(canonicalTraceparent(raw.toString()));
      }),
      { numRuns: 5000 },
    );
    // A view into a larger buffer reads only its own bytes.
    const text = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const pool = Buffer.from(`xx${text}yy`);
    expect(canonicalTraceparentBytes(pool.subarray(2, 57))).toEqual(canonicalTraceparent(text));
  });

  it('accepts the canonical form (so the fast path is taken at all)', () => {
    expect(canonicalTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')).toEqual({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
      isRemote: true,
    });
    expect(canonicalTraceparent(`00-${'0'.repeat(32)}-b7ad6b7169203331-01`)).toBeUndefined();
  });

  it.each([
    ['a composite of W3C trace context and baggage', composite],
    ['the W3C trace context propagator alone', traceContext],
  ])('extracts exactly what %s extracts', (_name, propagator: TextMapPropagator) => {
    const stock = stockW3C(propagator, fallback)!;
    expect(stock).toBeDefined();
    fc.assert(
      fc.property(fieldsArbitrary, (fields) => {
        expect(observable(extractStock(stock, ROOT_CONTEXT, fields, getter))).toEqual(observable(propagator.extract(ROOT_CONTEXT, fields, getter)));
      }),
      { numRuns: 3000 },
    );
  });

  it('recognises the registered global propagator, and nothing else', () => {
    expect(stockW3C(undefined, fallback)?.composite).toBe(true); // nothing registered: the fallback
    propagation.setGlobalPropagator(composite);
    expect(stockW3C(undefined, fallback)?.baggage).toBeDefined();
    const custom: TextMapPropagator = { inject: () => undefined, extract: (context) => context, fields: () => ['traceparent'] };
    expect(stockW3C(custom, fallback)).toBeUndefined();
    propagation.disable();
    propagation.setGlobalPropagator(new CompositePropagator({ propagators: [traceContext, custom] }));
    expect(stockW3C(undefined, fallback)).toBeUndefined();
    // A subclass that overrides extract may parse differently: not stock. One that keeps the methods is.
    class Lenient extends W3CTraceContextPropagator {
      override extract(context: Context): Context {
        return context;
      }
    }
    class Named extends W3CTraceContextPropagator {}
    expect(stockW3C(new Lenient(), fallback)).toBeUndefined();
    expect(stockW3C(new Named(), fallback)).toBeDefined();
    const patched = new W3CTraceContextPropagator();
    patched.extract = (context) => context;
    expect(stockW3C(patched, fallback)).toBeUndefined();
  });

  it('behaves as CompositePropagator when a getter throws', () => {
    const throwing: TextMapGetter<Fields> = {
      get: (carrier, key) => {
        if (key === 'baggage') throw new Error('boom');
        return carrier[key];
      },
      keys: () => [],
    };
    const fields = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    expect(observable(extractStock(stockW3C(composite, fallback)!, ROOT_CONTEXT, fields, throwing))).toEqual(observable(composite.extract(ROOT_CONTEXT, fields, throwing)));
  });
});
