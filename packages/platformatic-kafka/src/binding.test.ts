import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { jsonSerializer, serializersFrom, stringSerializers, type Message } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { TracecarrierError, TracedConsumer, TracedProducer, createMessagePropagator } from './index.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const context = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 });
const propagator = new W3CTraceContextPropagator();
const client = { clientId: 'unit', bootstrapBrokers: ['127.0.0.1:1'] };

/** A message as the client's stream gives it, with the default deserializers (Buffer keys and values). */
function received(entries: Array<[Buffer, Buffer]>, value: Buffer): Message {
  return { topic: 'orders', partition: 0, offset: 7n, key: Buffer.from('k'), value, timestamp: 0n, headers: new Map(entries), headerEntries: entries, leaderEpoch: 0, metadata: {}, commit: () => undefined, toJSON: () => ({}) as never };
}

describe('the @platformatic/kafka binding without a broker', () => {
  it('keeps the client classes: a TracedProducer is a Producer, a TracedConsumer a Consumer with processMessage', async () => {
    const { Consumer, Producer } = await import('@platformatic/kafka');
    const producer = new TracedProducer(client);
    const consumer = new TracedConsumer({ ...client, groupId: 'g' });
    expect(producer).toBeInstanceOf(Producer);
    expect(consumer).toBeInstanceOf(Consumer);
    expect(typeof consumer.processMessage).toBe('function');
    await Promise.all([producer.close(), consumer.close()]);
  });

  it('accepts the default and the string serializers, and refuses header serializers that cannot write text byte for byte', async () => {
    const ok = [new TracedProducer(client), new TracedProducer({ ...client, serializers: stringSerializers })];
    await Promise.all(ok.map((producer) => producer.close()));
    expect(() => new TracedProducer({ ...client, serializers: serializersFrom(jsonSerializer) })).toThrow(TracecarrierError);
    expect(() => new TracedProducer({ ...client, serializers: serializersFrom(jsonSerializer) })).toThrow(/serializers\.headerKey writes neither strings nor Buffers/);
  });

  it('a JSON value serializer is fine for headers, refused when a carrier writes the value', async () => {
    const serializers = { ...stringSerializers, value: jsonSerializer };
    const headers = new TracedProducer<string, Record<string, unknown>, string, string>({ ...client, serializers });
    await headers.close();
    expect(() => new TracedProducer<string, Record<string, unknown>, string, string>({ ...client, serializers }, { mode: 'envelope' })).toThrow(/carrier "json-envelope" writes the value, but serializers\.value/);
  });

  it('refuses a wrong tracing option at construction, naming it', () => {
    expect(() => new TracedProducer(client, { mode: 'sideways' as never })).toThrow(/mode/);
    expect(() => new TracedConsumer({ ...client, groupId: 'g' }, { relationship: 'sibling' as never })).toThrow(/relationship/);
  });

  it('the manual API: a Map of Buffers stays a Map of Buffers, the caller untouched; extract reads it back', () => {
    const manual = createMessagePropagator({ producer: { propagator }, consumer: { propagator } });
    const headers = new Map([[Buffer.from('x-app'), Buffer.from('a')]]);
    const carried = manual.inject('orders', { topic: 'orders', value: Buffer.from('{"id":1}'), headers }, context);
    expect(headers.size).toBe(1);
    const out = carried.headers as Map<Buffer, Buffer>;
    expect([...out].map(([k, v]) => [k.toString(), v.toString()])).toEqual([['x-app', 'a'], ['traceparent', TRACEPARENT]]);
    const read = manual.extract(received([...out], carried.value as Buffer));
    expect(trace.getSpanContext(read.context)?.spanId).toBe('00f067aa0ba902b7');
    expect(read.carrier).toBe('headers');
  });

  it('the manual API with string forms and an envelope: an object of strings, the payload unwrapped as text', () => {
    const manual = createMessagePropagator<string, string, string, string>({ form: 'string', producer: { mode: 'both', propagator }, consumer: { propagator } });
    const carried = manual.inject('orders', { topic: 'orders', value: '{"id":1}', headers: { 'x-app': 'a' } }, context);
    expect(carried.headers).toEqual({ 'x-app': 'a', traceparent: TRACEPARENT });
    expect(typeof carried.value).toBe('string');
    const message = { ...received([], Buffer.alloc(0)), value: carried.value, headers: new Map(Object.entries(carried.headers ?? {})) } as unknown as Message<string, string, string, string>;
    delete (message as { headerEntries?: unknown }).headerEntries;
    const read = manual.extract(message);
    expect(read.message.value).toBe('{"id":1}');
    expect(read.message).not.toBe(message);
    expect(typeof read.message.commit).toBe('function');
  });
});
