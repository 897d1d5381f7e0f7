import { describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { TracecarrierError } from '@tracecarrier/core';
import { traceConsumer } from './consumer.js';
import { traceProducer } from './producer.js';
import { createMessagePropagator } from './manual.js';
import type { TracedConsumer } from './consumer.js';
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

describe('misuse fails fast, saying what to do', () => {
  const broker = { brokers: ['127.0.0.1:1'] };

  it('refuses options that are not { producer, consumer } at the top level, naming the known ones', () => {
    expect(() => new TracedKafka(broker, { mode: 'envelope' } as never)).toThrow(/options: unknown option\(s\) "mode" \(known: producer, consumer\)/);
    expect(() => new TracedKafka(broker, { prodcuer: { mode: 'envelope' } } as never)).toThrow(/"prodcuer"/);
    expect(() => createMessagePropagator({ mode: 'envelope' } as never)).toThrow(expect.objectContaining({ code: 'invalid-options', message: expect.stringContaining('unknown option(s) "mode"') }));
  });

  it('refuses options that contradict each other, with the fix', () => {
    expect(() => new TracedKafka(broker).producer(undefined, { envelope: { format: 'cloudevents' } })).toThrow(/producer\.envelope: envelope settings apply only to a producer that writes an envelope.*set mode: 'envelope'/);
    expect(() => new TracedKafka(broker).consumer({ groupId: 'g' }, { envelope: { format: 'cloudevents' } })).toThrow(/consumer\.envelope\.format: consumers read every envelope format/);
    expect(() => createMessagePropagator({ producer: { envelope: { payloadEncoding: 'json' } } })).toThrow(/options\.producer\.envelope/);
    // Defaults and a client's own options combine: the client's carriers replace the default mode.
    const kafkaWithDefaults = new TracedKafka(broker, { producer: { mode: 'envelope', envelope: { format: 'cloudevents' } } });
    expect(() => kafkaWithDefaults.producer(undefined, { carriers: [] as never })).toThrow(/at least one carrier/);
    expect(() => kafkaWithDefaults.producer(undefined, { mode: 'both' })).not.toThrow();
  });

  it('names the option and the expected shape in zod messages', () => {
    expect(() => traceConsumer(kafka.consumer({ groupId: 'g' }), { baggage: 'none' as never })).toThrow(/consumer\.baggage: expected "keep", "drop" or \{ allow: string\[\] \}, received "none"/);
    expect(() => traceProducer(kafka.producer(), { limits: { maxHeaderBytes: -1 } })).toThrow(/producer\.limits\.maxHeaderBytes: expected a positive integer \(bytes\), received -1/);
  });

  it('refuses to wrap a client twice (every message would get two spans), or a missing one', () => {
    const traced = new TracedKafka(broker);
    expect(() => traceProducer(traced.producer())).toThrow(expect.objectContaining({ code: 'invalid-client', message: expect.stringContaining('already traced') }));
    expect(() => traceConsumer(traced.consumer({ groupId: 'g' }))).toThrow(/already traced/);
    expect(() => traceProducer(traceProducer(kafka.producer()))).toThrow(/already traced/);
    expect(() => traceConsumer(undefined as never)).toThrow(expect.objectContaining({ code: 'invalid-client', message: expect.stringContaining('expected a kafkajs Consumer') }));
    expect(() => traceProducer({} as never)).toThrow(/expected a kafkajs Producer/);
  });

  it('rejects a second run() instead of letting kafkajs ignore the new handler', async () => {
    const quiet = new Kafka({ brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const consumer = traceConsumer(quiet.consumer({ groupId: 'g', retry: { retries: 0 } }));
    const first = consumer.run({ eachMessage: async () => undefined }).catch((error: unknown) => error);
    await expect(consumer.run({ eachMessage: async () => undefined })).rejects.toMatchObject({ code: 'invalid-state', message: expect.stringContaining('run() was already called') });
    // The first run fails (no broker here) and frees the consumer for another run.
    await first;
  });

  it('types a traced consumer apart from a plain one', () => {
    const plain = kafka.consumer({ groupId: 'g' });
    // @ts-expect-error a plain kafkajs Consumer has no processMessage in eachBatch: not a TracedConsumer.
    const wrong: TracedConsumer = plain;
    void wrong;
    const right: TracedConsumer = traceConsumer(plain);
    void right;
  });
});

