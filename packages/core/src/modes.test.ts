import { ROOT_CONTEXT, propagation, trace, type Context } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { diagnosticSink, type Diagnostic } from './diagnostics.js';
import { cloudEventsEnvelope } from './cloudevents-envelope.js';
import { DEFAULT_ENVELOPE_LIMITS } from './envelope.js';
import { jsonEnvelope } from './json-envelope.js';
import { carryOutgoing, readIncoming, type ConsumerMode, type OutgoingCarrierConfig, type ProducerMode } from './modes.js';

const propagator = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
const readers = [jsonEnvelope(), cloudEventsEnvelope()];
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';
const producerContext: Context = propagation.setBaggage(
  trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 }),
  propagation.createBaggage({ tenant: { value: 'acme' } }),
);

function producer(mode: ProducerMode, format: 'json' | 'cloudevents' = 'json'): OutgoingCarrierConfig {
  return { mode, propagator, codec: format === 'json' ? readers[0]! : readers[1]!, readers, limits: DEFAULT_ENVELOPE_LIMITS };
}
const consumer = (mode: ConsumerMode) => ({ mode, propagator, readers, limits: DEFAULT_ENVELOPE_LIMITS });

/** The sink a binding uses (deduplicating, counting), collecting what reaches the hook. */
function collect() {
  const reported: Diagnostic[] = [];
  return { sink: diagnosticSink((diagnostic) => reported.push(diagnostic), {}), codes: () => reported.map((d) => d.code), reported };
}

function headersOf(fields: Readonly<Record<string, string>> | undefined) {
  return fields === undefined ? undefined : Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, Buffer.from(value)]));
}

describe('carryOutgoing and readIncoming', () => {
  const payload = Buffer.from('{"id":1}');

  it.each([
    ['headers', 'auto'],
    ['headers', 'headers'],
    ['envelope', 'auto'],
    ['envelope', 'envelope'],
    ['both', 'auto'],
    ['both', 'headers'],
    ['both', 'envelope'],
  ] as const)('%s producer → %s consumer: same trace, same payload bytes', (produce, consume) => {
    const carry = carryOutgoing(producerContext, payload, producer(produce), 't');
    const read = readIncoming(headersOf(carry.headerFields), carry.value as Buffer, consumer(consume));
    const spanContext = trace.getSpanContext(read.context);
    expect(spanContext?.traceId).toBe(TRACE_ID);
    expect(spanContext?.spanId).toBe(SPAN_ID);
    expect(propagation.getBaggage(read.context)?.getEntry('tenant')?.value).toBe('acme');
    expect(read.hasRemoteParent).toBe(true);
    if (consume !== 'headers') expect((read.value as Buffer).equals(payload)).toBe(true);
    expect(read.carrier).toBe(produce === 'envelope' || consume === 'envelope' ? 'envelope' : 'headers');
  });

  it('leaves the value untouched in headers mode and writes no envelope', () => {
    const carry = carryOutgoing(producerContext, payload, producer('headers'), 't');
    expect(carry.value).toBe(payload);
    expect(carry.headerFields).toMatchObject({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` });
  });

  it('never wraps a tombstone: its context goes in headers whatever the mode', () => {
    const carry = carryOutgoing(producerContext, null, producer('envelope'), 't');
    expect(carry.value).toBeNull();
    expect(carry.enveloped).toBe(false);
    const read = readIncoming(headersOf(carry.headerFields), null, consumer('auto'));
    expect(read.value).toBeNull();
    expect(read.carrier).toBe('headers');
  });

  it('re-wraps an envelope around its original payload instead of nesting', () => {
    const once = carryOutgoing(producerContext, payload, producer('envelope'), 't');
    const twice = carryOutgoing(ROOT_CONTEXT, once.value, producer('envelope'), 't');
    const read = readIncoming(undefined, twice.value as Buffer, consumer('envelope'));
    expect((read.value as Buffer).equals(payload)).toBe(true);
  });

  it('sets content-type for CloudEvents and reads them back', () => {
    const carry = carryOutgoing(producerContext, payload, producer('envelope', 'cloudevents'), 't');
    expect(carry.contentType).toBe('application/cloudevents+json');
    const read = readIncoming(undefined, carry.value as Buffer, consumer('auto'));
    expect(read).toMatchObject({ carrier: 'envelope', envelope: 'cloudevents' });
  });

  it('ignores envelopes in headers mode', () => {
    const carry = carryOutgoing(producerContext, payload, producer('envelope'), 't');
    const read = readIncoming(undefined, carry.value as Buffer, consumer('headers'));
    expect(read.value).toBe(carry.value);
    expect(read.carrier).toBe('none');
  });

  it('ignores headers in envelope mode', () => {
    const carry = carryOutgoing(producerContext, payload, producer('headers'), 't');
    expect(readIncoming(headersOf(carry.headerFields), payload, consumer('envelope')).carrier).toBe('none');
  });

  it('falls back to the envelope when header context is malformed, reporting it', () => {
    const { sink, reported } = collect();
    const carry = carryOutgoing(producerContext, payload, producer('envelope'), 't');
    const read = readIncoming({ traceparent: 'garbage' }, carry.value as Buffer, consumer('auto'), sink);
    expect(read.carrier).toBe('envelope');
    expect(reported).toMatchObject([{ code: 'invalid-context', field: 'traceparent' }]);
  });

  it.each([
    ['a malformed traceparent', { traceparent: '00-xyz-01' }, 'invalid-context'],
    ['an all-zero trace id', { traceparent: `00-${'0'.repeat(32)}-${SPAN_ID}-01` }, 'invalid-context'],
    ['non-UTF-8 bytes', { traceparent: Buffer.from([0xc3, 0x28]) }, 'non-utf8-header'],
    ['a null value', { traceparent: null }, 'invalid-context'],
    ['null values in the list shape', [{ traceparent: null }, { other: 'x' }], 'invalid-context'],
  ])('starts fresh on %s and reports %s', (_name, headers, code) => {
    const { sink, codes } = collect();
    const read = readIncoming(headers, payload, consumer('auto'), sink);
    expect(read.carrier).toBe('none');
    expect(trace.getSpanContext(read.context)).toBeUndefined();
    expect(read.value).toBe(payload);
    expect(codes()).toEqual([code]);
  });

  it('hands a broken envelope over untouched and reports it once', () => {
    const { sink, codes } = collect();
    const broken = Buffer.from('{"tracecarrier":1,"context":{"traceparent":');
    const read = readIncoming(undefined, broken, consumer('auto'), sink);
    expect(read.value).toBe(broken);
    expect(codes()).toEqual(['invalid-envelope']);
  });

  it('passes plain values of producers without the SDK through unchanged', () => {
    const { sink, codes } = collect();
    for (const value of [payload, Buffer.alloc(0), null]) {
      const read = readIncoming({ other: 'x' }, value, consumer('auto'), sink);
      expect(read.value).toBe(value);
      expect(read.carrier).toBe('none');
    }
    expect(codes()).toEqual([]);
  });
});

describe('limits and trust', () => {
  const TP = `00-${TRACE_ID}-${SPAN_ID}-01`;
  const limited = (extra: Partial<ReturnType<typeof consumer>> = {}) => ({ ...consumer('auto'), limits: { ...DEFAULT_ENVELOPE_LIMITS, maxHeaderBytes: 1024 }, ...extra });

  it('ignores a header value over maxHeaderBytes without decoding it, and reports it once', () => {
    const { sink, reported } = collect();
    const read = readIncoming({ traceparent: Buffer.alloc(1024 * 1024, 0x61) }, Buffer.from('v'), limited(), sink);
    expect(read.carrier).toBe('none');
    expect(reported).toMatchObject([{ code: 'field-too-large', field: 'traceparent' }]);
  });

  it('keeps the traceparent and reports a tracestate beyond the W3C limits', () => {
    const { sink, codes } = collect();
    const tracestate = Array.from({ length: 40 }, (_, i) => `k${i}=v`).join(',');
    const read = readIncoming({ traceparent: TP, tracestate }, Buffer.from('v'), consumer('auto'), sink);
    expect(trace.getSpanContext(read.context)?.spanId).toBe(SPAN_ID);
    expect(codes()).toEqual(['context-dropped']);
  });

  it('reports baggage beyond 8192 bytes or 180 members', () => {
    for (const baggage of [`big=${'x'.repeat(9000)}`, Array.from({ length: 200 }, (_, i) => `k${i}=v`).join(',')]) {
      const { sink, codes } = collect();
      const read = readIncoming({ traceparent: TP, baggage }, Buffer.from('v'), consumer('auto'), sink);
      expect(read.carrier).toBe('headers');
      expect(codes()).toEqual(['context-dropped']);
    }
  });

  it('drops or allow-lists incoming baggage on request', () => {
    const headers = { traceparent: TP, baggage: 'tenant=acme,user=mallory,role=admin' };
    const dropped = collect();
    const none = readIncoming(headers, Buffer.from('v'), { ...consumer('auto'), baggage: 'drop' }, dropped.sink);
    expect(propagation.getBaggage(none.context)).toBeUndefined();
    expect(dropped.codes()).toEqual(['baggage-filtered']);
    const allowed = readIncoming(headers, Buffer.from('v'), { ...consumer('auto'), baggage: { allow: ['tenant'] } }, collect().sink);
    expect(propagation.getBaggage(allowed.context)?.getAllEntries().map(([key]) => key)).toEqual(['tenant']);
    expect(trace.getSpanContext(allowed.context)?.spanId).toBe(SPAN_ID);
    const kept = readIncoming(headers, Buffer.from('v'), consumer('auto'), collect().sink);
    expect(propagation.getBaggage(kept.context)?.getAllEntries()).toHaveLength(3);
  });

  it('refuses an envelope over maxEnvelopeBytes and hands the value over untouched', () => {
    const carry = carryOutgoing(producerContext, Buffer.from('{"a":1}'), producer('envelope'), 't');
    const { sink, codes } = collect();
    const read = readIncoming(undefined, carry.value as Buffer, { ...consumer('auto'), limits: { maxEnvelopeBytes: 16, maxContextBytes: 1024 } }, sink);
    expect(read.value).toBe(carry.value);
    expect(codes()).toEqual(['field-too-large']);
  });
});
