import fc from 'fast-check';
import { ROOT_CONTEXT, TraceFlags, createTraceState, propagation, trace, type Context } from '@opentelemetry/api';
import { cloudEventsBinary, cloudEventsStructured, headersCarrier, jsonEnvelope, type Carrier } from '@tracecarrier/core';
import { createMessagePropagator } from '@tracecarrier/node-rdkafka';
import type { Message, MessageHeader } from 'node-rdkafka';
import { describe, expect, it } from 'vitest';
import { carriersToReadAlone, DetectLog, incomingOf } from './alone.js';
import { RecordAnalyser, type FoundContext } from './analyse.js';

/**
 * `inspect` reads a record alone only with the other carriers that detect something (alone.ts):
 * its `found` list must be the one it had when it read every record with every carrier alone.
 * Records made by every producer mode, their headers and values crossed (a header context and an
 * envelope of another trace), broken, or dropped; carriers in any order, a user's carrier whose
 * detect throws and one that reads a `meta` member beside them.
 */

const BUILT_IN = { headers: headersCarrier(), 'cloudevents-binary': cloudEventsBinary(), 'json-envelope': jsonEnvelope(), 'cloudevents-structured': cloudEventsStructured() };
const throwing: Carrier = {
  name: 'throws',
  placement: 'value',
  inject: () => undefined,
  detect: (message) => {
    if (message.value !== null && message.value !== undefined && message.value.length % 3 === 0) throw new Error('detect threw');
    return false;
  },
  extract: () => undefined,
};
// Reads `{"meta":"<traceparent>",…}`; detects any value starting with `{"meta":`.
const meta: Carrier = {
  name: 'meta',
  placement: 'value',
  inject: () => undefined,
  detect: (message) => message.value !== null && message.value !== undefined && Buffer.from(message.value).subarray(0, 8).toString() === '{"meta":',
  extract: (message) => {
    const text = Buffer.from(message.value!).toString();
    const traceparent = /^\{"meta":"([^"]*)"/.exec(text)?.[1];
    return traceparent === undefined ? undefined : { fields: { traceparent } };
  },
};

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const spanContext = fc.record({ traceId: hex(32), spanId: hex(16), sampled: fc.boolean(), tracestate: fc.boolean(), baggage: fc.boolean() });
const PRODUCERS = {
  headers: createMessagePropagator({ producer: { mode: 'headers' } }),
  envelope: createMessagePropagator({ producer: { mode: 'envelope' } }),
  both: createMessagePropagator({ producer: { mode: 'both' } }),
  structured: createMessagePropagator({ producer: { mode: 'envelope', envelope: { format: 'cloudevents' } } }),
  binary: createMessagePropagator({ producer: { carriers: [cloudEventsBinary()] } }),
};

function contextOf(span: { traceId: string; spanId: string; sampled: boolean; tracestate: boolean; baggage: boolean }): Context {
  let context = trace.setSpanContext(ROOT_CONTEXT, { traceId: span.traceId, spanId: span.spanId, traceFlags: span.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE, ...(span.tracestate ? { traceState: createTraceState('vendor=abc') } : {}) });
  if (span.baggage) context = propagation.setBaggage(context, propagation.createBaggage({ tenant: { value: 't-1' } }));
  return context;
}

const written = fc.record({ producer: fc.constantFrom(...(Object.keys(PRODUCERS) as Array<keyof typeof PRODUCERS>)), span: spanContext }).map(({ producer, span }) => PRODUCERS[producer].inject('t', { value: Buffer.from('{"id":1,"note":"payload"}') }, contextOf(span)));
const extraHeaders = fc.array(fc.constantFrom<MessageHeader>({ traceparent: 'not-a-traceparent' }, { 'content-type': 'application/json' }, { 'ce_specversion': '1.0' }, { traceparent: Buffer.from([0xff, 0xfe]) }, { baggage: 'k=v' }), { maxLength: 2 });
const value = fc.oneof(
  fc.constant(null),
  fc.constant(Buffer.from('{"meta":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","x":1}')),
  fc.constant(Buffer.from('{"tracecarrier":{"v":1,"context":{"traceparent":"00-00000000000000000000000000000000-b7ad6b7169203331-01"}},"payload":1}')),
  fc.constant(Buffer.from('{"specversion":"1.0","type":"x","source":"y","id":"1","traceparent":"broken"}')),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
);
/** A record: headers from one write (or none), the value from another, a few headers more, or a value of its own. */
const record = fc
  .record({ first: written, second: written, headersFrom: fc.constantFrom('first', 'second', 'none'), valueFrom: fc.constantFrom('first', 'second', 'other'), other: value, extra: extraHeaders })
  .map(({ first, second, headersFrom, valueFrom, other, extra }): Message => {
    const headers = [...(headersFrom === 'none' ? [] : ((headersFrom === 'first' ? first : second).headers ?? [])), ...extra];
    const chosen = valueFrom === 'other' ? other : (valueFrom === 'first' ? first : second).value;
    return { topic: 't', partition: 0, offset: 7, key: 'k', value: chosen, size: chosen?.length ?? 0, timestamp: 1, ...(headers.length === 0 ? {} : { headers }) } as Message;
  });
const carriers = fc.subarray([...Object.values(BUILT_IN), throwing, meta], { minLength: 1 }).chain((chosen) => fc.shuffledSubarray(chosen, { minLength: chosen.length, maxLength: chosen.length }));

/** What `found` was when every carrier read every record alone (the analyser before alone.ts). */
function foundReadingEveryCarrier(using: readonly Carrier[], message: Message): FoundContext[] {
  const foundIn = (read: { context: Context; carrier: string }): FoundContext | undefined => {
    const span = trace.getSpanContext(read.context);
    return span === undefined || read.carrier === 'none' ? undefined : { carrier: read.carrier, traceId: span.traceId, parentSpanId: span.spanId, sampled: (span.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED };
  };
  const used = foundIn(createMessagePropagator({ consumer: { carriers: [...using], onDiagnostic: () => undefined } }).extract(message));
  const found = used === undefined ? [] : [used];
  for (const carrier of using) {
    const other = foundIn(createMessagePropagator({ consumer: { carriers: [carrier], onDiagnostic: () => undefined } }).extract(message));
    if (other !== undefined && other.carrier !== used?.carrier) found.push(other);
  }
  return found;
}

describe('carriersToReadAlone', () => {
  it('leaves out the carrier that gave the context and those whose detect says no or throws', () => {
    const message = incomingOf({ topic: 't', partition: 0, offset: 1, key: null, value: Buffer.from('abc'), size: 3, headers: [{ traceparent: 'x' }] } as Message);
    const carriers = [BUILT_IN.headers, BUILT_IN['json-envelope'], throwing, meta];
    const alone = carriers.map((carrier) => ({ carrier, reader: carrier.name }));
    const log = new DetectLog(carriers);
    expect(carriersToReadAlone(alone, log, () => message, undefined)).toEqual(['headers']);
    expect(carriersToReadAlone(alone, log, () => message, 'headers')).toEqual([]);
    // What the read with every carrier heard is taken as said, without asking again.
    expect(log.carriers.map((carrier) => { try { return carrier.detect(message); } catch { return 'threw'; } })).toEqual([true, false, 'threw', false]);
    expect(carriersToReadAlone(alone, log, () => { throw new Error('not asked again'); }, undefined).slice(0, 1)).toEqual(['headers']);
    log.clear();
    expect(carriersToReadAlone(alone, log, () => message, 'json-envelope')).toEqual(['headers']);
  });

  it('gives inspect the same found list as reading with every carrier alone (property)', () => {
    fc.assert(
      fc.property(carriers, record, (using, message) => {
        const report = new RecordAnalyser(using).analyse(message, false);
        expect(report.found).toEqual(foundReadingEveryCarrier(using, message));
      }),
      { numRuns: 400 },
    );
  });

  it('finds both contexts of a record whose header and envelope disagree', () => {
    const header = PRODUCERS.headers.inject('t', { value: Buffer.from('{}') }, contextOf({ traceId: 'a'.repeat(32), spanId: 'a'.repeat(16), sampled: true, tracestate: false, baggage: false }));
    const envelope = PRODUCERS.envelope.inject('t', { value: Buffer.from('{}') }, contextOf({ traceId: 'b'.repeat(32), spanId: 'b'.repeat(16), sampled: true, tracestate: false, baggage: false }));
    const message = { topic: 't', partition: 0, offset: 1, key: null, value: envelope.value, size: 1, headers: header.headers } as Message;
    const report = new RecordAnalyser(Object.values(BUILT_IN)).analyse(message, false);
    expect(report.found.map((entry) => [entry.carrier, entry.traceId])).toEqual([
      ['headers', 'a'.repeat(32)],
      ['json-envelope', 'b'.repeat(32)],
    ]);
    expect(report.disagreement).toBe(true);
  });
});
