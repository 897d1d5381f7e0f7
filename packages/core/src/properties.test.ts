import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloudEventsEnvelope } from './cloudevents-envelope.js';
import { diagnosticSink } from './diagnostics.js';
import { DEFAULT_LIMITS } from './envelope.js';
import { jsonEnvelope } from './json-envelope.js';
import { readIncoming } from './modes.js';

const info = { topic: 'props' };
const bytes = fc.uint8Array({ maxLength: 2048 }).map((array) => Buffer.from(array));
const fields = fc.dictionary(fc.string({ maxLength: 24 }), fc.string({ maxLength: 64 }), { maxKeys: 6 });
const consumer = { mode: 'auto' as const, propagator: undefined, readers: [jsonEnvelope(), cloudEventsEnvelope()], limits: DEFAULT_LIMITS };

describe('properties (fast-check)', () => {
  it('JSON envelope: encode then decode gives back any payload bytes and any context, whatever the encoding', () => {
    for (const payloadEncoding of ['auto', 'binary'] as const) {
      const codec = jsonEnvelope({ payloadEncoding });
      fc.assert(
        fc.property(bytes, fields, (payload, context) => {
          const read = codec.decode(codec.encode(payload, context, info), DEFAULT_LIMITS);
          expect(read.kind).toBe('envelope');
          if (read.kind !== 'envelope') return;
          expect(read.payload.equals(payload)).toBe(true);
          expect({ ...read.fields }).toEqual({ ...context });
        }),
        { numRuns: 300 },
      );
    }
  });

  it('JSON envelope: any JSON text embeds as JSON and comes back byte for byte', () => {
    const codec = jsonEnvelope({ payloadEncoding: 'json' });
    fc.assert(
      fc.property(fc.json(), fields, (text, context) => {
        const payload = Buffer.from(text);
        const wrapped = codec.encode(payload, context, info);
        expect(JSON.parse(wrapped.toString())).toHaveProperty('data');
        const read = codec.decode(wrapped, DEFAULT_LIMITS);
        expect(read.kind === 'envelope' && read.payload.equals(payload)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('CloudEvents: encode then decode gives back any payload bytes and the trace context', () => {
    const codec = cloudEventsEnvelope();
    const traceFields = fc.record({ traceparent: fc.string({ maxLength: 64 }), tracestate: fc.string({ maxLength: 64 }) });
    fc.assert(
      fc.property(bytes, traceFields, (payload, context) => {
        const read = codec.decode(codec.encode(payload, context, info), DEFAULT_LIMITS);
        expect(read.kind === 'envelope' && read.payload.equals(payload)).toBe(true);
        expect(read.kind === 'envelope' && { traceparent: read.fields.traceparent, tracestate: read.fields.tracestate }).toEqual(context);
      }),
      { numRuns: 300 },
    );
  });

  it('decoders never throw on arbitrary bytes, or on JSON that starts like an envelope', () => {
    const codecs = [jsonEnvelope(), cloudEventsEnvelope()];
    const lookalike = fc
      .tuple(fc.constantFrom('{"tracecarrier":1,', '{"tracecarrier":', '{"specversion":"1.0",', '{"specversion":'), fc.oneof(fc.json(), fc.string()))
      .map(([head, tail]) => Buffer.from(head + tail));
    fc.assert(
      fc.property(fc.oneof(bytes, lookalike), (value) => {
        for (const codec of codecs) {
          codec.detect(value);
          expect(['envelope', 'invalid', 'not-envelope']).toContain(codec.decode(value, DEFAULT_LIMITS).kind);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('reading a message never throws on arbitrary header maps and values, and hands the value over', () => {
    const headerValue = fc.oneof(fc.string(), bytes, fc.constant(null), fc.constant(undefined));
    const headerMap = fc.dictionary(
      fc.oneof(fc.constantFrom('traceparent', 'tracestate', 'baggage', 'content-type'), fc.string({ maxLength: 12 })),
      fc.oneof(headerValue, fc.array(headerValue, { maxLength: 3 })),
      { maxKeys: 5 },
    );
    const headerList = fc.array(fc.dictionary(fc.constantFrom('traceparent', 'tracestate', 'baggage', 'x'), headerValue, { maxKeys: 1 }), { maxLength: 5 });
    fc.assert(
      fc.property(fc.oneof(headerMap, headerList), fc.oneof(bytes, fc.constant(null)), (headers, value) => {
        const read = readIncoming(headers, value, consumer, diagnosticSink(undefined, {}));
        if (read.envelope === undefined) expect(read.value).toBe(value);
        else expect(Buffer.isBuffer(read.value)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
