import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { KafkaJS, TracedKafkaConsumer, TracedProducer, createMessagePropagator } from './index.js';
import { BINDING } from './binding.js';

const conf = { 'bootstrap.servers': '127.0.0.1:1' };
const context = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 });
const propagator = new W3CTraceContextPropagator();

describe('the confluent binding without a broker', () => {
  it("names librdkafka's codes from the client's own table, and the code a delivery report loses", () => {
    expect(BINDING.errorType({ code: 3, message: 'Broker: Unknown topic or partition' })).toBe('UNKNOWN_TOPIC_OR_PART');
    expect(BINDING.errorType({ code: -1, message: 'not enough in-sync replicas' })).toBe('NOT_ENOUGH_REPLICAS');
  });

  it('the callback API manual propagator: inject gives a headers array, extract reads it back', () => {
    const manual = createMessagePropagator({ producer: { propagator }, consumer: { propagator } });
    const { value, headers } = manual.inject('orders', { value: Buffer.from('{"id":1}'), headers: [{ 'x-app': 'a' }] }, context);
    expect(value?.toString()).toBe('{"id":1}');
    expect(headers).toEqual([{ 'x-app': 'a' }, { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }]);
    const read = manual.extract({ topic: 'orders', partition: 0, offset: 1, value: value ?? null, size: 8, headers: headers!.map((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Buffer.from(String(v))]))) });
    expect(trace.getSpanContext(read.context)?.spanId).toBe('00f067aa0ba902b7');
    expect(read.carrier).toBe('headers');
  });

  it('the KafkaJS API manual propagator: a copy of the message carrying the context, the caller\'s untouched', () => {
    const manual = KafkaJS.createMessagePropagator({ producer: { mode: 'envelope', propagator }, consumer: { propagator } });
    const message = { key: 'k', value: '{"id":1}' };
    const carried = manual.inject('orders', message, context);
    expect(message).toEqual({ key: 'k', value: '{"id":1}' });
    const read = manual.extract({ ...carried, value: Buffer.from(String(carried.value)) });
    expect(read.carrier).toBe('json-envelope');
    expect(String(read.message.value)).toBe('{"id":1}');
  });

  it('TracedKafka keeps the client class instances usable: methods run bound to the client, the brand is set', () => {
    const kafka = new KafkaJS.TracedKafka({ 'bootstrap.servers': '127.0.0.1:1', 'client.id': 'c' });
    const producer = kafka.producer();
    expect(producer.connect).toBe(producer.connect);
    expect(typeof producer.isActive()).toBe('boolean');
    expect(() => KafkaJS.traceProducer(producer)).toThrow(/already traced/);
    expect(() => KafkaJS.traceProducer({} as never)).toThrow(/expected a @confluentinc\/kafka-javascript KafkaJS Producer/);
  });

  it("refuses tracecarrier options in the client's topic-config slot", () => {
    expect(() => new TracedProducer(conf, { mode: 'envelope' } as never)).toThrow(/"mode" is a tracecarrier option given in @confluentinc\/kafka-javascript's topic config/);
    expect(() => new TracedKafkaConsumer({ ...conf, 'group.id': 'g' }, {}, { mode: 'auto' })).not.toThrow();
  });
});
