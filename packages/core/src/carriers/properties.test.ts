import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnosticSink } from '../diagnostics.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { readIncoming } from '../pipeline/incoming.js';
import { consumerCarriers } from '../pipeline/modes.js';
import type { Carrier, CarrierContext } from './carrier.js';
import { cloudEventsBinary } from './cloudevents-binary.js';
import { cloudEventsStructured } from './cloudevents-structured.js';
import { headersCarrier } from './headers.js';
import { encodeJsonEnvelope, isJsonEnvelope, jsonEnvelope, readJsonEnvelope } from './json-envelope.js';

const bytes = fc.uint8Array({ maxLength: 2048 }).map((array) => Buffer.from(array));
const fields = fc.dictionary(fc.string({ maxLength: 24 }), fc.string({ maxLength: 64 }), { maxKeys: 6 });
const consumer = { carriers: consumerCarriers('auto', undefined), propagator: undefined, limits: DEFAULT_LIMITS };
const context: CarrierContext = { report: () => undefined, limits: DEFAULT_LIMITS, propagationFields: ['traceparent', 'tracestate', 'baggage'] };

describe('properties (fast-check)', () => {
  it('JSON envelope: encode then decode gives back any payload bytes and any context, whatever the encoding', () => {
    for (const payloadEncoding of ['auto', 'binary'] as const) {
      fc.assert(
        fc.property(bytes, fields, (payload, fieldsIn) => {
          const read = readJsonEnvelope(encodeJsonEnvelope(payload, fieldsIn, payloadEncoding), DEFAULT_LIMITS);
          expect(read.kind).toBe('envelope');
          if (read.kind !== 'envelope') return;
          expect(read.payload.equals(payload)).toBe(true);
          expect({ ...read.fields }).toEqual({ ...fieldsIn });
        }),
        { numRuns: 300 },
      );
    }
  });

  it('JSON envelope: any JSON text embeds as JSON and comes back byte for byte', () => {
    fc.assert(
      fc.property(fc.json(), fields, (text, fieldsIn) => {
        const payload = Buffer.from(text);
        const wrapped = encodeJsonEnvelope(payload, fieldsIn, 'json');
        expect(JSON.parse(wrapped.toString())).toHaveProperty('data');
        const read = readJsonEnvelope(wrapped, DEFAULT_LIMITS);
        expect(read.kind === 'envelope' && read.payload.equals(payload)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('CloudEvents structured: inject then extract gives back any payload bytes and the trace context', () => {
    const carrier = cloudEventsStructured();
    const traceFields = fc.record({ traceparent: fc.string({ maxLength: 64 }), tracestate: fc.string({ maxLength: 64 }) });
    fc.assert(
      fc.property(bytes, traceFields, (payload, fieldsIn) => {
        const write = carrier.inject({ topic: 'props', key: null, value: payload, headers: undefined }, fieldsIn, context)!;
        const read = carrier.extract({ topic: 'props', key: null, value: Buffer.from(write.value!), headers: write.headers }, context)!;
        expect(Buffer.from(read.value!).equals(payload)).toBe(true);
        const got = read.fields as Record<string, string>;
        expect({ traceparent: got.traceparent, tracestate: got.tracestate }).toEqual(fieldsIn);
      }),
      { numRuns: 300 },
    );
  });

  it('carriers never throw on arbitrary bytes, or on JSON that starts like an envelope or an event', () => {
    const carriers: Carrier[] = [jsonEnvelope(), cloudEventsStructured(), cloudEventsBinary(), headersCarrier()];
    const lookalike = fc
      .tuple(fc.constantFrom('{"tracecarrier":1,', '{"tracecarrier":', '{"specversion":"1.0",', '{"specversion":'), fc.oneof(fc.json(), fc.string()))
      .map(([head, tail]) => Buffer.from(head + tail));
    fc.assert(
      fc.property(fc.oneof(bytes, lookalike), (value) => {
        isJsonEnvelope(value);
        for (const carrier of carriers) {
          const message = { topic: 'props', key: null, value, headers: {} };
          if (carrier.detect(message)) carrier.extract(message, context);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('reading a message never throws on arbitrary header maps and values, and hands the value over', () => {
    const headerValue = fc.oneof(fc.string(), bytes, fc.constant(null), fc.constant(undefined));
    const headerMap = fc.dictionary(
      fc.oneof(fc.constantFrom('traceparent', 'tracestate', 'baggage', 'content-type', 'ce_id', 'ce_traceparent'), fc.string({ maxLength: 12 })),
      fc.oneof(headerValue, fc.array(headerValue, { maxLength: 3 })),
      { maxKeys: 5 },
    );
    const headerList = fc.array(fc.dictionary(fc.constantFrom('traceparent', 'tracestate', 'baggage', 'x', 'ce_specversion'), headerValue, { maxKeys: 1 }), { maxLength: 5 });
    fc.assert(
      fc.property(fc.oneof(headerMap, headerList), fc.oneof(bytes, fc.constant(null)), (headers, value) => {
        const read = readIncoming({ topic: 'props', key: null, value, headers }, consumer, diagnosticSink(undefined, {}));
        if (!read.unwrapped) expect(read.value).toBe(value);
        else expect(Buffer.isBuffer(read.value)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
