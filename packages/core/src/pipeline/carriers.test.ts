import { ROOT_CONTEXT, createTraceState, propagation, trace, type Context } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import type { Carrier, MessageValue } from '../carriers/carrier.js';
import { headersCarrier } from '../carriers/headers.js';
import { diagnosticSink, type Diagnostic, type DiagnosticSink } from '../diagnostics.js';
import type { KafkaHeaders } from '../headers/kafka-headers.js';
import { DEFAULT_LIMITS as DEFAULT_ENVELOPE_LIMITS, type ReadLimits } from '../limits.js';
import { readIncoming as readMessage, type IncomingCarrierConfig } from './incoming.js';
import { consumerCarriers, producerCarriers, type ConsumerMode, type ProducerMode } from './modes.js';
import { carryOutgoing as carryMessage, type OutgoingCarrierConfig } from './outgoing.js';

const propagator = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';
const producerContext: Context = propagation.setBaggage(
  trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 }),
  propagation.createBaggage({ tenant: { value: 'acme' } }),
);

function producer(mode: ProducerMode, format: 'json' | 'cloudevents' = 'json'): OutgoingCarrierConfig {
  return { carriers: producerCarriers(mode, { format }), propagator, limits: DEFAULT_ENVELOPE_LIMITS };
}
const consumer = (mode: ConsumerMode): IncomingCarrierConfig & { limits: ReadLimits } => ({ carriers: consumerCarriers(mode, undefined), propagator, limits: DEFAULT_ENVELOPE_LIMITS });

/** One outgoing value through the carriers (topic `t`, no key, no application headers). */
function carryOutgoing<V extends MessageValue>(context: Context, value: V, config: OutgoingCarrierConfig, _topic = 't', sink: DiagnosticSink = diagnosticSink(undefined, {})) {
  return carryMessage(context, { topic: 't', key: null, value, headers: undefined }, config, sink);
}

/** One received message through the carriers. */
function readIncoming<V extends MessageValue>(headers: KafkaHeaders | undefined, value: V, config: IncomingCarrierConfig, sink: DiagnosticSink = diagnosticSink(undefined, {})) {
  return readMessage({ topic: 't', key: null, value, headers }, config, sink);
}
const NAME = { json: 'json-envelope', cloudevents: 'cloudevents-structured' } as const;

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
    expect(read.carrier).toBe(produce === 'envelope' || consume === 'envelope' ? NAME.json : 'headers');
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

  it('sets content-type for CloudEvents and reads them back, with or without the header', () => {
    const carry = carryOutgoing(producerContext, payload, producer('envelope', 'cloudevents'), 't');
    expect(carry.headerFields).toEqual({ 'content-type': 'application/cloudevents+json' });
    for (const headers of [headersOf(carry.headerFields), undefined]) {
      const read = readIncoming(headers, carry.value as Buffer, consumer('auto'));
      expect(read).toMatchObject({ carrier: NAME.cloudevents, unwrapped: true });
      expect((read.value as Buffer).equals(payload)).toBe(true);
      expect(read.attributes).toMatchObject({ carrier: NAME.cloudevents, attributes: { specversion: '1.0', traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` } });
    }
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
    expect(read.carrier).toBe(NAME.json);
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

  it('holds a canonical traceparent in bytes to maxHeaderBytes too', () => {
    const small = { ...consumer('auto'), limits: { ...DEFAULT_ENVELOPE_LIMITS, maxHeaderBytes: 54 } };
    const { sink, reported } = collect();
    const read = readIncoming([{ traceparent: Buffer.from(TP) }], Buffer.from('v'), small, sink);
    expect(read.carrier).toBe('none');
    expect(reported).toMatchObject([{ code: 'field-too-large', field: 'traceparent' }]);
    const fits = readIncoming([{ traceparent: Buffer.from(TP) }], Buffer.from('v'), { ...small, limits: { ...small.limits, maxHeaderBytes: 55 } }, collect().sink);
    expect(trace.getSpanContext(fits.context)).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1, isRemote: true });
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
    const read = readIncoming(undefined, carry.value as Buffer, { ...consumer('auto'), limits: { ...DEFAULT_ENVELOPE_LIMITS, maxEnvelopeBytes: 16, maxContextBytes: 1024 } }, sink);
    expect(read.value).toBe(carry.value);
    expect(codes()).toEqual(['field-too-large']);
  });
});

describe('carriers as the plug-in point', () => {
  const payload = Buffer.from('{"id":1}');
  const FOREIGN_EVENT = Buffer.from('{"specversion":"1.0","id":"e-1","source":"/shop","type":"order.created","partitionkey":"k","traceparent":"00-11111111111111111111111111111111-2222222222222222-01","data":{"orderId":9007199254740993}}');

  it('a value that already is a CloudEvent is sent untouched in every mode, its hop context in headers', () => {
    for (const mode of ['headers', 'envelope', 'both'] as const) {
      for (const format of ['json', 'cloudevents'] as const) {
        const carry = carryOutgoing(producerContext, FOREIGN_EVENT, producer(mode, format));
        expect(carry.value).toBe(FOREIGN_EVENT);
        expect(carry.headerFields).toMatchObject({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` });
        const read = readIncoming(headersOf(carry.headerFields), FOREIGN_EVENT, consumer('auto'));
        expect(read.value).toBe(FOREIGN_EVENT);
        expect(trace.getSpanContext(read.context)?.spanId).toBe(SPAN_ID);
        expect(read.attributes?.attributes).toMatchObject({ id: 'e-1', type: 'order.created', partitionkey: 'k' });
      }
    }
  });

  it('reads ce_traceparent from a binary event when no traceparent header is there, and prefers the hop header', () => {
    const binary = { ce_specversion: '1.0', ce_id: 'e-2', ce_source: '/s', ce_type: 't', ce_traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` };
    const start = readIncoming(binary, payload, consumer('auto'));
    expect(start).toMatchObject({ carrier: 'cloudevents-binary', unwrapped: false, value: payload });
    const hop = readIncoming({ ...binary, traceparent: '00-33333333333333333333333333333333-4444444444444444-01' }, payload, consumer('auto'));
    expect(hop.carrier).toBe('headers');
    expect(trace.getSpanContext(hop.context)?.spanId).toBe('4444444444444444');
    expect(hop.attributes?.attributes).toMatchObject({ id: 'e-2', traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` });
  });

  it('a throwing carrier is reported; the message is still sent (context in headers) and still handed over', () => {
    const broken: Carrier = {
      name: 'broken',
      placement: 'value',
      inject: () => {
        throw new Error('boom');
      },
      detect: () => true,
      extract: () => {
        throw new Error('boom');
      },
    };
    const { sink, codes } = collect();
    const carry = carryOutgoing(producerContext, payload, { carriers: [broken], propagator, limits: DEFAULT_ENVELOPE_LIMITS }, 't', sink);
    expect(carry.value).toBe(payload);
    expect(carry.headerFields).toMatchObject({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` });
    expect(codes()).toEqual(['carrier-error']);
    const reading = collect();
    const read = readIncoming(headersOf(carry.headerFields), payload, { carriers: [broken, headersCarrier()], propagator, limits: DEFAULT_ENVELOPE_LIMITS }, reading.sink);
    expect(read).toMatchObject({ carrier: 'headers', value: payload });
    expect(reading.codes()).toEqual(['carrier-error']);
  });

  it('a throwing propagator is reported and the message still goes out, without context', () => {
    const throwing = { inject: () => { throw new Error('nope'); }, extract: (ctx: Context) => ctx, fields: () => ['traceparent'] };
    const { sink, codes } = collect();
    const carry = carryMessage(producerContext, { topic: 't', key: null, value: payload, headers: undefined }, { carriers: [headersCarrier()], propagator: throwing, limits: DEFAULT_ENVELOPE_LIMITS }, sink);
    expect(carry.value).toBe(payload);
    expect(carry.headerFields).toEqual({});
    expect(codes()).toEqual(['propagator-error']);
  });

  it('carries any propagator\'s fields, not only W3C, in every carrier (a single-header propagator standing in for B3 or Jaeger)', () => {
    const singleHeader = {
      inject: (ctx: Context, carrier: unknown, setter: { set(c: unknown, k: string, v: string): void }) => {
        const sc = trace.getSpanContext(ctx);
        if (sc) setter.set(carrier, 'xtrace', `${sc.traceId}:${sc.spanId}`);
      },
      extract: (ctx: Context, carrier: unknown, getter: { get(c: unknown, k: string): string | string[] | undefined }) => {
        const value = getter.get(carrier, 'xtrace');
        if (typeof value !== 'string') return ctx;
        const [traceId = '', spanId = ''] = value.split(':');
        return trace.setSpanContext(ctx, { traceId, spanId, traceFlags: 1, isRemote: true });
      },
      fields: () => ['xtrace'],
    };
    for (const [mode, format] of [['headers', 'json'], ['envelope', 'json'], ['envelope', 'cloudevents']] as const) {
      const carry = carryOutgoing(producerContext, payload, { ...producer(mode, format), propagator: singleHeader });
      const read = readIncoming(headersOf(carry.headerFields), carry.value, { ...consumer('auto'), propagator: singleHeader });
      expect(trace.getSpanContext(read.context)?.spanId, `${mode} ${format}`).toBe(SPAN_ID);
      expect((read.value as Buffer).equals(payload)).toBe(true);
    }
  });
});

describe('W3C rules for several headers of one name (Kafka allows them)', () => {
  const TP = `00-${TRACE_ID}-${SPAN_ID}-01`;
  const OTHER = '00-11111111111111111111111111111111-2222222222222222-01';
  type Case = [string, KafkaHeaders, { parent: string | undefined; links: string[]; codes: string[]; tracestate?: string; baggage?: string[] }];
  const cases: Case[] = [
    ['two identical traceparent headers', { traceparent: [TP, TP] }, { parent: SPAN_ID, links: [], codes: [] }],
    ['two disagreeing traceparent headers (record shape)', { traceparent: [TP, OTHER] }, { parent: undefined, links: [SPAN_ID, '2222222222222222'], codes: ['conflicting-header-values'] }],
    ['two disagreeing traceparent headers (list shape)', [{ traceparent: TP }, { traceparent: Buffer.from(OTHER) }], { parent: undefined, links: [SPAN_ID, '2222222222222222'], codes: ['conflicting-header-values'] }],
    ['a disagreeing traceparent that is garbage', { traceparent: [TP, 'garbage'] }, { parent: undefined, links: [SPAN_ID], codes: ['conflicting-header-values'] }],
    ['tracestate in two headers, combined in order', { traceparent: TP, tracestate: ['a=1', 'b=2'] }, { parent: SPAN_ID, links: [], codes: [], tracestate: 'a=1,b=2' }],
    ['tracestate in two list entries, an empty one skipped', [{ traceparent: TP }, { tracestate: 'a=1' }, { tracestate: '' }, { tracestate: ' b=2\t' }], { parent: SPAN_ID, links: [], codes: [], tracestate: 'a=1,b=2' }],
    ['tracestate over 32 members only once combined', { traceparent: TP, tracestate: [Array.from({ length: 20 }, (_, i) => `a${i}=1`).join(','), Array.from({ length: 20 }, (_, i) => `b${i}=1`).join(',')] }, { parent: SPAN_ID, links: [], codes: ['context-dropped'] }],
    ['baggage in two headers, combined', { traceparent: TP, baggage: ['tenant=acme', 'user=ada'] }, { parent: SPAN_ID, links: [], codes: [], baggage: ['tenant', 'user'] }],
    ['a traceparent padded with tabs and spaces', { traceparent: ` \t ${TP}\t  ` }, { parent: SPAN_ID, links: [], codes: [] }],
    ['an empty tracestate header', { traceparent: TP, tracestate: '' }, { parent: SPAN_ID, links: [], codes: [], tracestate: '' }],
  ];

  it.each(cases)('%s', (_name, headers, expected) => {
    const { sink, codes } = collect();
    const read = readIncoming(headers, payload(), consumer('auto'), sink);
    const spanContext = trace.getSpanContext(read.context);
    expect(read.hasRemoteParent ? spanContext?.spanId : undefined).toBe(expected.parent);
    expect((read.candidates ?? []).map((candidate) => candidate.spanId)).toEqual(expected.links);
    expect(codes()).toEqual(expected.codes);
    if (expected.tracestate !== undefined) expect(spanContext?.traceState?.serialize() ?? '').toBe(expected.tracestate);
    if (expected.baggage !== undefined) expect(propagation.getBaggage(read.context)?.getAllEntries().map(([key]) => key).sort()).toEqual(expected.baggage);
  });

  it('never writes an empty tracestate, even when the context it injects came with one', () => {
    const withEmpty = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1, traceState: createTraceState('') });
    const carry = carryOutgoing(withEmpty, payload(), producer('headers'));
    expect(carry.headerFields).toEqual({ traceparent: TP });
  });
});

function payload(): Buffer {
  return Buffer.from('{"id":1}');
}


describe('tracestate through every carrier: inherited whole or discarded whole (W3C)', () => {
  const TP = `00-${TRACE_ID}-${SPAN_ID}-01`;
  // How each carrier puts the same fields on the wire, written by hand as a peer would.
  const WIRE: Record<string, (tracestate: string) => { headers: KafkaHeaders | undefined; value: Buffer }> = {
    headers: (tracestate) => ({ headers: { traceparent: TP, tracestate }, value: Buffer.from('{"id":1}') }),
    'json envelope': (tracestate) => ({ headers: undefined, value: Buffer.from(`{"tracecarrier":1,"context":${JSON.stringify({ traceparent: TP, tracestate })},"data":{"id":1}}`) }),
    'CloudEvents structured': (tracestate) => ({
      headers: { 'content-type': 'application/cloudevents+json' },
      value: Buffer.from(`{"specversion":"1.0","id":"1","source":"s","type":"t","traceparent":"${TP}","tracestate":${JSON.stringify(tracestate)},"data":{"id":1}}`),
    }),
    'CloudEvents binary': (tracestate) => ({ headers: { ce_specversion: '1.0', ce_id: '1', ce_source: 's', ce_type: 't', ce_traceparent: TP, ce_tracestate: tracestate }, value: Buffer.from('{"id":1}') }),
  };
  const STATES: Array<[string, string | null]> = [
    ['foo@=1,bar=2', 'foo@=1,bar=2'],
    ['@foo=1,bar=2', null],
    ['foo=bar=baz', null],
    [Array.from({ length: 33 }, (_, i) => `k${i}=1`).join(','), null],
  ];
  const rows = Object.keys(WIRE).flatMap((carrier) => STATES.map(([tracestate, kept]) => ({ carrier, tracestate, kept })));

  it.each(rows)('$carrier: $tracestate', ({ carrier, tracestate, kept }) => {
    const { headers, value } = WIRE[carrier]!(tracestate);
    const { sink, codes } = collect();
    const read = readIncoming(headers, value, consumer('auto'), sink);
    const spanContext = trace.getSpanContext(read.context);
    expect(spanContext?.spanId).toBe(SPAN_ID);
    expect(spanContext?.traceState?.serialize()).toBe(kept ?? undefined);
    expect(codes()).toEqual(kept === null ? ['context-dropped'] : []);
  });
});
