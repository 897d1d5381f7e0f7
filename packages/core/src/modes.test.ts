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
