import { ROOT_CONTEXT, trace, type Context, type TextMapPropagator } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { headersCarrier, jsonEnvelope, type Carrier, type Diagnostic } from '@tracecarrier/core';
import * as kafkajs from '@tracecarrier/kafkajs';
import * as rdkafka from '@tracecarrier/node-rdkafka';

/**
 * What the fuzzing pass found in both bindings' manual API (`createMessagePropagator`), table-driven
 * through each: `extract` never throws whatever a message an application built holds, a throwing
 * propagator is a `propagator-error`, a carrier that returns the wrong type is a `carrier-error`
 * (the message still sent or handed over), and diagnostics say what the message was processed under.
 */
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const OTHER = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

const PARENT: Context = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 });

type Headers = Record<string, unknown>;

/** One binding's manual API behind one shape: headers as a record in, the binding's shape inside. */
interface Manual {
  extract(headers: Headers, value: Buffer | null): { context: Context; value: unknown; carrier: string };
  inject(value: Buffer, headers?: Record<string, string>): { value: unknown; headers: Record<string, unknown> };
}

function kafkajsManual(options: kafkajs.MessagePropagatorOptions): Manual {
  const propagator = kafkajs.createMessagePropagator(options);
  return {
    extract(headers, value) {
      const read = propagator.extract({ key: null, value, headers: headers as never, offset: '7', timestamp: '0', attributes: 0, size: 0 }, { topic: 't', partition: 0 });
      return { context: read.context, value: read.message.value, carrier: read.carrier };
    },
    inject(value, headers) {
      const sent = propagator.inject('t', { value, ...(headers === undefined ? {} : { headers }) }, PARENT);
      return { value: sent.value, headers: { ...(sent.headers ?? {}) } };
    },
  };
}

function rdkafkaManual(options: rdkafka.MessagePropagatorOptions): Manual {
  const propagator = rdkafka.createMessagePropagator(options);
  return {
    extract(headers, value) {
      const list = Object.entries(headers).map(([key, header]) => ({ [key]: header })) as never;
      const read = propagator.extract({ topic: 't', partition: 0, offset: 7, key: null, value, size: 0, headers: list } as never);
      return { context: read.context, value: read.message.value, carrier: read.carrier };
    },
    inject(value, headers) {
      const sent = propagator.inject('t', { value, ...(headers === undefined ? {} : { headers: Object.entries(headers).map(([key, header]) => ({ [key]: header })) }) }, PARENT);
      return { value: sent.value, headers: Object.assign({}, ...(sent.headers ?? [])) as Record<string, unknown> };
    },
  };
}

const BINDINGS = [
  ['kafkajs', kafkajsManual],
  ['node-rdkafka', rdkafkaManual],
] as const;

function withDiagnostics(make: (options: kafkajs.MessagePropagatorOptions) => Manual, options: { consumer?: object; producer?: object } = {}) {
  const reported: Diagnostic[] = [];
  const onDiagnostic = (d: Diagnostic) => reported.push(d);
  const manual = make({ consumer: { ...options.consumer, onDiagnostic }, producer: { ...options.producer, onDiagnostic } } as never);
  return { manual, reported, codes: () => reported.map((d) => d.code) };
}

const parentOf = (context: Context) => trace.getSpanContext(context)?.spanId;

describe.each(BINDINGS)('the %s manual API', (_name, make) => {
  describe('extract never throws on header values that are neither text nor bytes (item 1)', () => {
    it.each([
      ['a number', 42],
      ['a boolean', true],
      ['an object', { nested: 'x' }],
      ['an array holding a number', [1]],
      ['an array holding an object', [{}]],
    ])('tracestate and baggage holding %s: ignored, reported, the traceparent kept', (_label, bad) => {
      for (const field of ['tracestate', 'baggage']) {
        const { manual, codes, reported } = withDiagnostics(make);
        const read = manual.extract({ traceparent: TRACEPARENT, [field]: bad }, Buffer.from('{}'));
        expect(parentOf(read.context)).toBe('00f067aa0ba902b7');
        expect(codes()).toEqual(['invalid-context']);
        expect(reported[0]!.field).toBe(field);
      }
    });

    it.each([
      ['a number', 42],
      ['an object', { nested: 'x' }],
    ])('a traceparent holding %s: invalid-context once, a new trace', (_label, bad) => {
      const { manual, codes } = withDiagnostics(make);
      const read = manual.extract({ traceparent: bad }, Buffer.from('{}'));
      expect(parentOf(read.context)).toBeUndefined();
      expect(codes()).toEqual(['invalid-context']);
    });
  });

  it('a propagator whose extract throws is reported as propagator-error (item 6)', () => {
    const throwing: TextMapPropagator = {
      inject: () => undefined,
      extract: () => {
        throw new Error('extract bug');
      },
      fields: () => ['traceparent'],
    };
    const { manual, codes } = withDiagnostics(make, { consumer: { propagator: throwing } });
    const read = manual.extract({ traceparent: TRACEPARENT }, Buffer.from('{}'));
    expect(parentOf(read.context)).toBeUndefined();
    expect(codes()).toEqual(['propagator-error']);
  });

  describe('a carrier that returns the wrong type is a carrier-error (item 8)', () => {
    const writing = (result: unknown): Carrier => ({ name: 'odd', placement: 'value', inject: () => result as never, detect: () => false, extract: () => undefined });
    it.each([
      ['a number as value', { value: 123 }],
      ['a string as value', { value: 'text' }],
      ['a string as headers', { headers: 'x' }],
      ['an array as headers', { headers: ['a'] }],
      ['a header that is not text', { headers: { traceparent: 5 } }],
      ['a number instead of an object', 7],
    ])('inject returning %s: reported, the write ignored, the message sent with its context in headers', (_label, result) => {
      const { manual, codes } = withDiagnostics(make, { producer: { carriers: [writing(result)] } });
      const sent = manual.inject(Buffer.from('{"a":1}'), { app: 'kept' });
      expect(codes()).toEqual(['carrier-error']);
      expect(Buffer.from(sent.value as Buffer).toString()).toBe('{"a":1}');
      expect(Object.keys(sent.headers).sort()).toEqual(['app', 'traceparent']);
    });

    const reading = (result: unknown): Carrier => ({ name: 'odd', placement: 'value', inject: () => undefined, detect: () => true, extract: () => result as never });
    it.each([
      ['fields that are a number', { fields: 5 }],
      ['fields that are a string', { fields: 'traceparent' }],
      ['a value that is a number', { value: 5, fields: { traceparent: OTHER } }],
      ['attributes that are a string', { attributes: 'x' }],
      ['candidates that are not an array', { candidates: { traceparent: OTHER } }],
      ['a string instead of an object', 'read'],
    ])('extract returning %s: reported, the read ignored, the next carrier still reads', (_label, result) => {
      const { manual, codes } = withDiagnostics(make, { consumer: { carriers: [reading(result), headersCarrier()] } });
      const read = manual.extract({ traceparent: TRACEPARENT }, Buffer.from('{"a":1}'));
      expect(codes()).toEqual(['carrier-error']);
      expect(read.carrier).toBe('headers');
      expect(parentOf(read.context)).toBe('00f067aa0ba902b7');
      expect(Buffer.from(read.value as Buffer).toString()).toBe('{"a":1}');
    });
  });

  it('an envelope whose traceparent is invalid beside a valid header: the diagnostic says the header is used (item 9)', () => {
    const { manual, reported } = withDiagnostics(make, { consumer: { carriers: [jsonEnvelope(), headersCarrier()] } });
    const envelope = Buffer.from(`{"tracecarrier":1,"context":{"traceparent":"00-nope"},"datalength":7,"data":{"a":1}}`);
    const read = manual.extract({ traceparent: TRACEPARENT }, envelope);
    expect(read.carrier).toBe('headers');
    expect(parentOf(read.context)).toBe('00f067aa0ba902b7');
    expect(Buffer.from(read.value as Buffer).toString()).toBe('{"a":1}');
    expect(reported.map((d) => d.code)).toEqual(['invalid-context']);
    expect(reported[0]!.message).toContain('the context carried by "headers" is used instead');
    expect(reported[0]!.message).not.toContain('new trace');
  });

  it('with no carrier giving a context, the diagnostic still says a new trace is started', () => {
    const { manual, reported } = withDiagnostics(make);
    manual.extract({ traceparent: '00-nope' }, Buffer.from('{}'));
    expect(reported.map((d) => d.message)).toEqual([expect.stringContaining('a new trace is started')]);
  });

  it('a valid context with its tracestate is read as before (baseline)', () => {
    const { manual, codes } = withDiagnostics(make);
    const read = manual.extract({ traceparent: TRACEPARENT, tracestate: 'a=1' }, Buffer.from('{}'));
    expect(parentOf(read.context)).toBe('00f067aa0ba902b7');
    expect(trace.getSpanContext(read.context)?.traceState?.get('a')).toBe('1');
    expect(codes()).toEqual([]);
  });
});
