import { describe, expect, it } from 'vitest';
import { Kafka } from 'kafkajs';
import { TracecarrierError } from '@tracecarrier/core';
import { identityOf } from './identity.js';
import { traceConsumer } from './consumer.js';
import { traceProducer } from './producer.js';
import { TracedKafka } from './traced-kafka.js';

const kafka = new Kafka({ brokers: ['127.0.0.1:1'] });

describe('construction', () => {
  it('fails fast, naming the option, when TracedKafka gets a bad default', () => {
    expect(() => new TracedKafka({ brokers: ['127.0.0.1:1'] }, { consumer: { relationship: 'child' as never } })).toThrow(
      expect.objectContaining({ code: 'invalid-options', path: 'options.consumer.relationship' }),
    );
    expect(() => new TracedKafka({ brokers: ['127.0.0.1:1'] }, { producer: { mode: 'payload' as never } })).toThrow(/options\.producer\.mode.*"payload"/);
  });

  it('fails fast in traceProducer and traceConsumer', () => {
    expect(() => traceProducer(kafka.producer(), { envelope: { format: 'avro' as never } })).toThrow(TracecarrierError);
    expect(() => traceConsumer(kafka.consumer({ groupId: 'g' }), { mode: 'both' as never })).toThrow(/consumer\.mode/);
  });

  it('keeps the client API: untraced methods are the original ones', () => {
    const producer = kafka.producer();
    const traced = traceProducer(producer);
    expect(traced.connect).toBe(producer.connect);
    expect(traced.on).toBe(producer.on);
    expect(traced.events).toBe(producer.events);
    const consumer = kafka.consumer({ groupId: 'g' });
    const tracedConsumer = traceConsumer(consumer);
    expect(tracedConsumer.subscribe).toBe(consumer.subscribe);
    expect(tracedConsumer.commitOffsets).toBe(consumer.commitOffsets);
  });
});

describe('identityOf', () => {
  it('takes server.address and server.port from the first broker', () => {
    expect(identityOf({ clientId: 'c', brokers: ['kafka-1:9093', 'kafka-2:9093'] }, 'g')).toEqual({
      clientId: 'c',
      serverAddress: 'kafka-1',
      serverPort: 9093,
      groupId: 'g',
    });
    expect(identityOf({ brokers: ['[::1]:9092'] })).toMatchObject({ serverAddress: '::1', serverPort: 9092 });
    expect(identityOf({ brokers: ['broker'] })).toMatchObject({ serverAddress: 'broker', serverPort: undefined });
  });
});
